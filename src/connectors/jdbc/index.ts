/**
 * The `jdbc` format (PostgreSQL, with Spark's JDBC data source options) for batch reads and
 * writes, and the exactly-once `postgres` streaming sink. One descriptor: the session wires these
 * in (session/stream-connectors.ts, embedded-executor.ts). The driver (`pg`) loads on first use.
 */
import type { ColumnBatch } from "../../columnar/column-batch.js";
import { analysisError, configError, unsupported } from "../../common/errors.js";
import type { RExpr } from "../../expr/resolved-expr.js";
import type { DataSourceSpec } from "../../plan/logical-plan.js";
import type { RScan } from "../../plan/resolved-plan.js";
import type { StructType } from "../../types/struct-type.js";
import type { OutputMode } from "../api/sink.js";
import { parseJdbcReadOptions, parsePostgresSinkOptions } from "./jdbc-options.js";
import { type JdbcRelation, JdbcScanExec, resolveJdbcRelation } from "./jdbc-scan.js";
import { type JdbcSaveMode, saveJdbc } from "./jdbc-writer.js";
import { PostgresSink } from "./postgres-sink.js";

export { JdbcScanExec } from "./jdbc-scan.js";
export { PostgresSink } from "./postgres-sink.js";

/** Each read resolves its relation once: a DataFrame's plan keeps its spec object across actions. */
const relations = new WeakMap<DataSourceSpec, JdbcRelation>();

function relationOf(spec: DataSourceSpec): JdbcRelation {
  let rel = relations.get(spec);
  if (!rel) {
    if (spec.paths.length > 0) throw configError("JDBC_OPTION_CONFLICT", `The jdbc source reads a table, not paths: use option("dbtable", ...) or option("query", ...) and load()`, { format: "jdbc" });
    rel = resolveJdbcRelation(parseJdbcReadOptions(spec.options));
    relations.set(spec, rel);
  }
  return rel;
}

/** Schema of `spark.read.format("jdbc")`: asked of PostgreSQL at analysis, as Spark does. */
export function jdbcReadSchema(spec: DataSourceSpec, streaming: boolean): StructType {
  if (streaming) throw unsupported("STREAMING_NOT_SUPPORTED", `Data source jdbc does not support streamed reading; read it with spark.read (a batch DataFrame), e.g. for a stream-static join`, { format: "jdbc" });
  if (spec.userSchema) throw analysisError("USER_SPECIFIED_SCHEMA_NOT_ALLOWED", `jdbc does not allow user-specified schemas: the table's schema comes from PostgreSQL. Remove .schema(...), or cast in a query (option "query").`, { format: "jdbc" });
  return relationOf(spec).schema;
}

/** The scan of a jdbc read; `required` columns and the `filters` right above it shape its query. */
export function jdbcScanExec(node: RScan, required: ReadonlySet<number> | undefined, filters: readonly RExpr[], sessionZone: string): JdbcScanExec {
  return new JdbcScanExec(relationOf(node.source), required, filters, sessionZone);
}

/** `df.write.format("jdbc")...save()`. */
export async function saveJdbcTable(schema: StructType, batches: AsyncIterable<ColumnBatch>, spec: { readonly path: string; readonly mode: JdbcSaveMode; readonly options: Readonly<Record<string, string>>; readonly partitionBy: readonly string[] }, sessionZone: string): Promise<void> {
  if (spec.path !== "") throw configError("JDBC_OPTION_CONFLICT", `The jdbc format writes a table, not a path: use option("dbtable", ...) and save() without a path`, { format: "jdbc" });
  if (spec.partitionBy.length > 0) throw unsupported("JDBC_PARTITION_BY_NOT_SUPPORTED", `partitionBy is not supported by the jdbc format (Spark refuses it too)`, { format: "jdbc" });
  await saveJdbc(schema, batches, spec.mode, spec.options, sessionZone);
}

/** The streaming sink for `writeStream.format("postgres")`. */
export function createPostgresSink(spec: { readonly path?: string; readonly outputMode: OutputMode; readonly options: Readonly<Record<string, string>> }, schema: StructType, checkpointDir: string, sessionZone: string): PostgresSink {
  if (spec.path) throw configError("JDBC_OPTION_CONFLICT", `The postgres sink writes a table, not a path: use option("dbtable", ...) and start() without a path`, { format: "postgres" });
  return new PostgresSink(parsePostgresSinkOptions(spec.options), schema, spec.outputMode, checkpointDir, sessionZone);
}
