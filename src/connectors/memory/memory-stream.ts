/**
 * MemoryStream (tests and examples): rows added with `addData` become the next offset. Offsets are
 * the index of the last added block (-1 before any data), as Spark's LongOffset. Data is kept for
 * the life of the process, so a query restarted in the same process re-reads (start, end] exactly.
 */
import { type ColumnBatch, batchFromRows } from "../../columnar/column-batch.js";
import { inputError } from "../../common/errors.js";
import type { ExecutionPlan } from "../../physical/execution-plan.js";
import type { StructType } from "../../types/struct-type.js";
import type { Offset, ReadLimit, StreamSource } from "../api/source.js";

let nextMemoryStreamId = 0;

export class MemoryStream {
  readonly id = nextMemoryStreamId++;
  readonly #blocks: ColumnBatch[] = [];

  constructor(readonly schema: StructType) {}

  /** Append rows as one block; returns its offset. */
  addData(rows: readonly Record<string, unknown>[]): number {
    this.#blocks.push(batchFromRows(this.schema, rows));
    return this.#blocks.length - 1;
  }

  get latestOffset(): number {
    return this.#blocks.length - 1;
  }

  /** Blocks with index in (start, end]. */
  blocks(start: number, end: number): ColumnBatch[] {
    return this.#blocks.slice(start + 1, end + 1);
  }

  get description(): string {
    return `MemoryStream[${this.id}]`;
  }
}

/** The StreamSource view of a MemoryStream for one query run. */
export class MemoryStreamSource implements StreamSource {
  constructor(private readonly stream: MemoryStream) {}

  get schema(): StructType {
    return this.stream.schema;
  }
  get description(): string {
    return this.stream.description;
  }
  initialOffset(): Offset {
    return -1;
  }
  async latestOffset(start: Offset, limit: ReadLimit): Promise<Offset> {
    const latest = this.stream.latestOffset;
    if (limit.kind === "maxRows") {
      let end = start as number;
      let rows = 0;
      for (const b of this.stream.blocks(start as number, latest)) {
        if (rows > 0 && rows + b.numRows > limit.rows) break;
        rows += b.numRows;
        end++;
      }
      return end;
    }
    return latest;
  }
  getBatch(start: Offset, end: Offset): ExecutionPlan {
    const blocks = this.stream.blocks(start as number, end as number);
    const schema = this.stream.schema;
    return {
      name: "MemoryStreamScanExec",
      schema,
      children: [],
      describe: () => `MemoryStreamScanExec: ${this.description} (${String(start)}, ${String(end)}]`,
      async *execute() {
        yield* blocks;
      },
    };
  }
  serializeOffset(offset: Offset): string {
    return String(offset);
  }
  deserializeOffset(json: string): Offset {
    const n = Number(json);
    if (!Number.isInteger(n)) throw inputError("INVALID_OFFSET", `Invalid MemoryStream offset ${json}`);
    return n;
  }
  async commit(): Promise<void> {}
  async stop(): Promise<void> {}
  defaultReadLimit(): ReadLimit {
    return { kind: "all" };
  }
}
