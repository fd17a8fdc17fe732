/**
 * `df.writeStream`: sink format, output mode, options, trigger, query name, then `start()`.
 * Immutable builder; `start()` hands the collected spec to the engine and resolves to the running
 * query once its id is known (checkpoint metadata read or created).
 */
import { noteOptions } from "../common/redaction.js";
import { configError } from "../common/errors.js";
import type { DataFrame } from "./dataframe.js";
import type { StreamWriteSpec, StreamingQueryHandle, TriggerSpec } from "./executor.js";

const OUTPUT_MODES = new Set(["append", "update", "complete"]);

export type StreamStarter = (df: DataFrame, spec: StreamWriteSpec) => Promise<StreamingQueryHandle>;

/** What `df.writeStream` returns for a streaming DataFrame: `format`, `outputMode`, `trigger`, `option(s)` (`checkpointLocation`), `foreach`/`foreachBatch`, then `start` or `toTable` to run a {@link StreamingQuery}. */
export class DataStreamWriter {
  readonly #df: DataFrame;
  readonly #start: StreamStarter;
  readonly #s: StreamWriteSpec;

  constructor(df: DataFrame, start: StreamStarter, spec?: StreamWriteSpec) {
    this.#df = df;
    this.#start = start;
    // Without format(), Spark writes spark.sql.sources.default: parquet.
    this.#s = spec ?? { format: "parquet", outputMode: "append", options: {}, partitionBy: [], queryName: null, trigger: {} };
  }

  private with(patch: Partial<StreamWriteSpec>): DataStreamWriter {
    if (patch.options) noteOptions(patch.options);
    return new DataStreamWriter(this.#df, this.#start, { ...this.#s, ...patch });
  }

  format(source: string): DataStreamWriter {
    return this.with({ format: source.toLowerCase() });
  }
  /** append (default) | update | complete */
  outputMode(mode: string): DataStreamWriter {
    const m = mode.toLowerCase();
    if (!OUTPUT_MODES.has(m)) {
      throw configError("INVALID_OUTPUT_MODE", `Unknown output mode ${mode}. Accepted output modes are 'append', 'complete', 'update'`, { mode });
    }
    return this.with({ outputMode: m as StreamWriteSpec["outputMode"] });
  }
  option(key: string, value: string | number | boolean): DataStreamWriter {
    return this.with({ options: { ...this.#s.options, [key]: String(value) } });
  }
  options(opts: Record<string, string | number | boolean>): DataStreamWriter {
    return this.with({ options: { ...this.#s.options, ...Object.fromEntries(Object.entries(opts).map(([k, v]) => [k, String(v)])) } });
  }
  partitionBy(...cols: (string | string[])[]): DataStreamWriter {
    return this.with({ partitionBy: cols.flat() });
  }
  /** The query's name: unique among active queries; names the memory sink's table and the checkpoint folder. */
  queryName(name: string): DataStreamWriter {
    if (typeof name !== "string" || name.trim() === "") {
      // PySpark's check (VALUE_NOT_NON_EMPTY_STR), recorded in session/query-checkpoint.golden.json
      throw configError("VALUE_NOT_NON_EMPTY_STR", `Value for \`queryName\` must be a non-empty string, got ${JSON.stringify(name)}.`, { option: "queryName" });
    }
    return this.with({ queryName: name });
  }
  trigger(trigger: TriggerSpec): DataStreamWriter {
    return this.with({ trigger });
  }
  /** Run `fn` on every micro-batch as a batch DataFrame. */
  foreachBatch(fn: (df: DataFrame, batchId: number) => unknown): DataStreamWriter {
    return this.with({ format: "foreachBatch", foreachBatch: fn as StreamWriteSpec["foreachBatch"] });
  }
  foreach(writer: NonNullable<StreamWriteSpec["foreach"]>): DataStreamWriter {
    return this.with({ format: "foreach", foreach: writer });
  }

  start(path?: string): Promise<StreamingQueryHandle> {
    return this.#start(this.#df, path === undefined ? this.#s : { ...this.#s, path });
  }
  /**
   * Start writing into an in-memory table queryable as `spark.table(name)` (Sluice has no table
   * catalog, so this is the memory sink under that name whatever format() said).
   */
  toTable(name: string): Promise<StreamingQueryHandle> {
    return this.format("memory").queryName(name).start();
  }
}
