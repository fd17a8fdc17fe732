/**
 * Console sink (`format("console")`): prints each batch as Spark does —
 * a "Batch: N" banner, then the rows as `show(numRows, truncate)`. It reads the whole batch into
 * memory first (it is for debugging small outputs); nothing is printed for a batch that fails.
 */
import { configError } from "../../common/errors.js";
import type { ColumnBatch } from "../../columnar/column-batch.js";
import type { StructType } from "../../types/struct-type.js";
import { type BatchData, type StreamSink, materializeBatch } from "../api/sink.js";

export interface ConsoleSinkOptions {
  readonly numRows: number;
  readonly truncate: boolean;
}

export function parseConsoleOptions(options: Readonly<Record<string, string>>): ConsoleSinkOptions {
  const lower = Object.fromEntries(Object.entries(options).map(([k, v]) => [k.toLowerCase(), v]));
  const numRows = lower.numrows === undefined ? 20 : Number(lower.numrows);
  const bad: string[] = [];
  if (!Number.isInteger(numRows) || numRows < 0) bad.push(`numRows=${lower.numrows} (expected a non-negative integer)`);
  if (lower.truncate !== undefined && lower.truncate !== "true" && lower.truncate !== "false") bad.push(`truncate=${lower.truncate} (expected true or false)`);
  if (bad.length > 0) throw configError("INVALID_OPTION", `Invalid console sink options: ${bad.join("; ")}`);
  return { numRows, truncate: lower.truncate !== "false" };
}

export class ConsoleSink implements StreamSink {
  readonly description = "ConsoleSink";

  constructor(
    private readonly options: ConsoleSinkOptions,
    /** Renders rows as `show()` would; provided by the session (it owns casting to strings). */
    private readonly render: (schema: StructType, batches: readonly ColumnBatch[], numRows: number, truncate: boolean) => Promise<string>,
    private readonly out: (text: string) => void = (t) => process.stdout.write(t),
  ) {}

  async addBatch(batchId: number, data: BatchData): Promise<void> {
    const banner = "-------------------------------------------\n";
    const text = await this.render(data.schema, await materializeBatch(data), this.options.numRows, this.options.truncate);
    this.out(`${banner}Batch: ${batchId}\n${banner}${text}\n`);
  }
}
