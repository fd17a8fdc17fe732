/**
 * `spark.read` / `spark.readStream`: format, schema, options, then load(). Building the reader is
 * pure; load() creates the DataFrame, which resolves the source (listing files, reading footers
 * or inferring a schema) during analysis.
 */
import { noteOptions } from "../common/redaction.js";
import { node } from "../plan/logical-plan.js";
import type { StructTypeLike } from "../types/data-type.js";
import { type StructType, toStructType } from "../types/struct-type.js";
import { DataFrame, type DataFrameContext } from "./dataframe.js";

interface ReaderState {
  readonly format: string;
  readonly schema?: StructType;
  readonly options: Readonly<Record<string, string>>;
}

/** What `spark.read` returns: `format`, `schema`, `option(s)`, then `load` or a format shortcut (`json`, `csv`, `parquet`, `text`, `table`, `jdbc`, …) to make a batch DataFrame. */
export class DataFrameReader {
  readonly #ctx: DataFrameContext;
  readonly #streaming: boolean;
  readonly #s: ReaderState;

  constructor(ctx: DataFrameContext, streaming: boolean, state: ReaderState = { format: "parquet", options: {} }) {
    this.#ctx = ctx;
    this.#streaming = streaming;
    this.#s = state;
  }

  private with(patch: Partial<ReaderState>): DataFrameReader {
    if (patch.options) noteOptions(patch.options);
    return new DataFrameReader(this.#ctx, this.#streaming, { ...this.#s, ...patch });
  }

  format(source: string): DataFrameReader {
    return this.with({ format: source.toLowerCase() });
  }
  /** A DDL string (`"id STRING, ts TIMESTAMP"`) or a StructType. */
  schema(schema: string | StructTypeLike): DataFrameReader {
    return this.with({ schema: toStructType(schema, this.#ctx.ddlOptions?.()) });
  }
  option(key: string, value: string | number | boolean): DataFrameReader {
    return this.with({ options: { ...this.#s.options, [key]: String(value) } });
  }
  options(opts: Record<string, string | number | boolean>): DataFrameReader {
    return this.with({
      options: { ...this.#s.options, ...Object.fromEntries(Object.entries(opts).map(([k, v]) => [k, String(v)])) },
    });
  }

  load(...paths: (string | string[])[]): DataFrame {
    const given = new Set(Object.keys(this.#s.options).map((k) => k.toLowerCase()));
    const defaults = Object.entries(this.#ctx.readOptionDefaults?.(this.#s.format) ?? {}).filter(([k]) => !given.has(k.toLowerCase()));
    const source = {
      format: this.#s.format,
      paths: paths.flat(),
      options: defaults.length === 0 ? this.#s.options : { ...Object.fromEntries(defaults), ...this.#s.options },
      ...(this.#s.schema ? { userSchema: this.#s.schema } : {}),
    };
    return new DataFrame(this.#ctx, node({ kind: "read", source, streaming: this.#streaming }));
  }
  json(...paths: (string | string[])[]): DataFrame {
    return this.format("json").load(...paths);
  }
  csv(...paths: (string | string[])[]): DataFrame {
    return this.format("csv").load(...paths);
  }
  parquet(...paths: (string | string[])[]): DataFrame {
    return this.format("parquet").load(...paths);
  }
  text(...paths: (string | string[])[]): DataFrame {
    return this.format("text").load(...paths);
  }
  /**
   * PySpark's `read.jdbc`: the table (or `(subquery) alias`) at `url`; `properties` are JDBC
   * options (user, password, fetchsize, ...). With a column and bounds, a partitioned read.
   */
  jdbc(url: string, table: string, properties?: Record<string, string | number | boolean>): DataFrame;
  jdbc(url: string, table: string, column: string, lowerBound: number | string, upperBound: number | string, numPartitions: number, properties?: Record<string, string | number | boolean>): DataFrame;
  jdbc(url: string, table: string, ...rest: unknown[]): DataFrame {
    const props = (typeof rest[0] === "string" ? rest[4] : rest[0]) as Record<string, string | number | boolean> | undefined;
    const parts: Record<string, string | number> = typeof rest[0] === "string" ? { partitionColumn: rest[0], lowerBound: String(rest[1]), upperBound: String(rest[2]), numPartitions: Number(rest[3]) } : {};
    return this.format("jdbc").options({ ...props, url, dbtable: table, ...parts }).load();
  }
  /** A temp view or table by name. */
  table(name: string): DataFrame {
    return new DataFrame(this.#ctx, node({ kind: "namedRelation", nameParts: name.split(".") }));
  }
}
