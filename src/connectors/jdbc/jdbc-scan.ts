/**
 * Batch reads of the `jdbc` format: the relation's schema at analysis time and JdbcScanExec.
 * Per partition (jdbc-partitions.ts), the query is Spark's JDBCRDD form
 *   SELECT <required columns, or 1> FROM <dbtable | (query) SPARK_GEN_SUBQ_0>
 *   [WHERE (<pushed filters>) AND (<partition clause>)]
 * run on one connection, partition after partition. With fetchsize > 0 the rows come through a
 * server-side cursor, `fetchsize` rows per round trip (the PostgreSQL JDBC driver needs
 * autocommit off for that, PostgresDialect.beforeFetch); with 0 the driver reads all at once.
 */
import { type ColumnBatch, VectorBuilder, makeBatch } from "../../columnar/column-batch.js";
import { nullVector } from "../../columnar/vector.js";
import type { RExpr } from "../../expr/resolved-expr.js";
import { type ExecutionPlan, type TaskContext, throwIfAborted } from "../../physical/execution-plan.js";
import { StructField, StructType } from "../../types/struct-type.js";
import { type JdbcReadOptions, describeConnection } from "./jdbc-options.js";
import { partitionWhereClauses } from "./jdbc-partitions.js";
import { pushedWhere } from "./filter-pushdown.js";
import { RAW_TEXT, connect, pgError, quoteIdent } from "./pg-client.js";
import { columnType, type Decoder, decoderFor } from "./pg-types.js";
import { type DescribedColumn, describeSync } from "./sync-query.js";

/** The relation as described at analysis: Spark's schema plus what decoding needs. */
export interface JdbcRelation {
  readonly options: JdbcReadOptions;
  readonly schema: StructType;
  readonly columns: readonly DescribedColumn[];
}

/** Ask PostgreSQL for the relation's columns (`SELECT * FROM <table> WHERE 1=0`, as Spark's getSchemaQuery). */
export function resolveJdbcRelation(options: JdbcReadOptions): JdbcRelation {
  const columns = describeSync(options.connection, `SELECT * FROM ${options.table} WHERE 1=0`, `resolving the schema of ${options.tableOrQuery}`);
  // Every column is nullable, as in Spark (JdbcUtils.getSchema with alwaysNullable on reads).
  const schema = new StructType(columns.map((c) => StructField(c.name, columnType(c, options.preferTimestampNTZ), true)));
  return { options, schema, columns };
}

export class JdbcScanExec implements ExecutionPlan {
  readonly name = "JdbcScanExec";
  readonly children = [];
  readonly #rel: JdbcRelation;
  readonly #required: readonly number[];
  readonly #where: string | undefined;
  readonly #pushed: readonly string[];
  readonly #partitions: readonly (string | null)[];
  readonly #zone: string;

  /**
   * `required`: the schema's columns the plan reads (others come back as nulls);
   * `filters`: conditions the engine applies right above this scan, pushed when allowed.
   */
  constructor(rel: JdbcRelation, required: ReadonlySet<number> | undefined, filters: readonly RExpr[], sessionZone: string) {
    this.#rel = rel;
    this.#zone = sessionZone;
    this.#required = rel.schema.fields.map((_, i) => i).filter((i) => required === undefined || required.has(i));
    const pushed = rel.options.pushDownPredicate ? pushedWhere(filters, rel.schema.fields.map((f) => f.name), sessionZone) : { pushed: [] };
    this.#where = pushed.where;
    this.#pushed = pushed.pushed;
    this.#partitions = rel.options.partitioning ? partitionWhereClauses(rel.schema, rel.options.partitioning, sessionZone) : [null];
  }

  get schema(): StructType {
    return this.#rel.schema;
  }

  /** The SELECT of each partition (what Spark's JDBCRDD sends). */
  partitionQueries(): string[] {
    const cols = this.#required.length === 0 ? "1" : this.#required.map((i) => quoteIdent(this.#rel.schema.fields[i]!.name)).join(",");
    return this.#partitions.map((part) => {
      const where = this.#where !== undefined && part !== null ? `WHERE (${this.#where}) AND (${part})` : this.#where !== undefined ? `WHERE ${this.#where}` : part !== null ? `WHERE ${part}` : "";
      return `SELECT ${cols} FROM ${this.#rel.options.table} ${where}`.trimEnd();
    });
  }

  describe(): string {
    const o = this.#rel.options;
    const read = new StructType(this.#required.map((i) => this.#rel.schema.fields[i]!));
    return `JdbcScanExec: JDBCRelation(${o.tableOrQuery}) [numPartitions=${this.#partitions.length}] ${describeConnection(o.connection)} PushedFilters: [${this.#pushed.join(", ")}], ReadSchema: ${read.simpleString()}`;
  }

  async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    const decoders: Decoder[] = this.#required.map((i) => decoderFor(this.#rel.schema.fields[i]!.type, this.#rel.columns[i]!, this.#zone));
    const toBatch = (rows: readonly (readonly (string | null)[])[]): ColumnBatch => {
      const builders = this.#required.map((i) => new VectorBuilder(this.#rel.schema.fields[i]!.type, rows.length));
      for (const row of rows) {
        for (let j = 0; j < builders.length; j++) {
          const v = row[j];
          builders[j]!.append(v === null || v === undefined ? null : decoders[j]!(v));
        }
      }
      const built = builders.map((b) => b.finish());
      const columns = this.#rel.schema.fields.map((f, i) => {
        const j = this.#required.indexOf(i);
        return j < 0 ? nullVector(f.type, rows.length) : built[j]!;
      });
      return makeBatch(this.#rel.schema, columns, rows.length);
    };
    yield* this.#read(ctx, toBatch);
  }

  async *#read(ctx: TaskContext, toBatch: (rows: readonly (readonly (string | null)[])[]) => ColumnBatch): AsyncIterable<ColumnBatch> {
    const o = this.#rel.options;
    const what = `reading ${o.tableOrQuery}`;
    const queries = this.partitionQueries();
    const client = await connect(o.connection, what);
    try {
      for (const sql of queries) {
        throwIfAborted(ctx);
        if (o.fetchSize === 0) {
          const r = await client.query({ text: sql, rowMode: "array", types: RAW_TEXT });
          for (let s = 0; s < r.rows.length; s += ctx.batchSize) yield toBatch(r.rows.slice(s, s + ctx.batchSize));
          continue;
        }
        await client.query("BEGIN READ ONLY");
        await client.query(`DECLARE sluice_jdbc_cursor NO SCROLL CURSOR FOR ${sql}`);
        for (;;) {
          throwIfAborted(ctx);
          const r = await client.query({ text: `FETCH FORWARD ${o.fetchSize} FROM sluice_jdbc_cursor`, rowMode: "array", types: RAW_TEXT });
          if (r.rows.length > 0) yield toBatch(r.rows);
          if (r.rows.length < o.fetchSize) break;
        }
        await client.query("COMMIT");
      }
    } catch (e) {
      throw pgError(e, o.connection, what, { table: o.tableOrQuery });
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
