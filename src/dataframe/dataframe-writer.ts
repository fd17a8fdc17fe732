/**
 * `df.write`: format, mode, options, partitionBy, then save(path) or a format shorthand.
 * Immutable like every builder: each call returns a new writer.
 */
import { noteOptions } from "../common/redaction.js";
import { configError } from "../common/errors.js";
import type { DataFrame } from "./dataframe.js";
import type { WriteSpec } from "./executor.js";

const MODES: Record<string, WriteSpec["mode"]> = {
  append: "append",
  overwrite: "overwrite",
  error: "errorifexists",
  errorifexists: "errorifexists",
  default: "errorifexists",
  ignore: "ignore",
};

interface WriterState {
  readonly format: string;
  readonly mode: WriteSpec["mode"];
  readonly options: Readonly<Record<string, string>>;
  readonly partitionBy: readonly string[];
}

/** What `df.write` returns: `format`, `mode`, `partitionBy`, `option(s)`, then `save`, `saveAsTable`, `insertInto` or a format shortcut to write a batch DataFrame. */
export class DataFrameWriter {
  readonly #df: DataFrame;
  readonly #s: WriterState;

  constructor(df: DataFrame, state: WriterState = { format: "parquet", mode: "errorifexists", options: {}, partitionBy: [] }) {
    this.#df = df;
    this.#s = state;
  }

  private with(patch: Partial<WriterState>): DataFrameWriter {
    if (patch.options) noteOptions(patch.options);
    return new DataFrameWriter(this.#df, { ...this.#s, ...patch });
  }

  format(source: string): DataFrameWriter {
    return this.with({ format: source.toLowerCase() });
  }
  /** append | overwrite | errorifexists (error, default) | ignore */
  mode(saveMode: string): DataFrameWriter {
    const m = MODES[saveMode.toLowerCase()];
    if (!m) {
      throw configError("INVALID_SAVE_MODE", `Unknown save mode: ${saveMode}. Accepted save modes are 'overwrite', 'append', 'ignore', 'error', 'errorifexists', 'default'.`, { mode: saveMode });
    }
    return this.with({ mode: m });
  }
  option(key: string, value: string | number | boolean): DataFrameWriter {
    return this.with({ options: { ...this.#s.options, [key]: String(value) } });
  }
  options(opts: Record<string, string | number | boolean>): DataFrameWriter {
    return this.with({ options: { ...this.#s.options, ...Object.fromEntries(Object.entries(opts).map(([k, v]) => [k, String(v)])) } });
  }
  partitionBy(...cols: (string | string[])[]): DataFrameWriter {
    return this.with({ partitionBy: cols.flat() });
  }

  /** Write to `path` (or option("path")); a table format (jdbc) takes no path. */
  async save(path?: string): Promise<void> {
    const fromOption = Object.entries(this.#s.options).find(([k]) => k.toLowerCase() === "path")?.[1];
    await this.#df.ctx.executor.write(this.#df.plan, { ...this.#s, path: path ?? fromOption ?? "" });
  }
  /** PySpark's `write.jdbc(url, table, mode, properties)`: JDBC options as `properties`. */
  jdbc(url: string, table: string, mode?: string, properties?: Record<string, string | number | boolean>): Promise<void> {
    const w = mode === undefined ? this : this.mode(mode);
    return w.format("jdbc").options({ ...properties, url, dbtable: table }).save();
  }
  json(path: string): Promise<void> {
    return this.format("json").save(path);
  }
  csv(path: string): Promise<void> {
    return this.format("csv").save(path);
  }
  parquet(path: string): Promise<void> {
    return this.format("parquet").save(path);
  }
  text(path: string): Promise<void> {
    return this.format("text").save(path);
  }
}
