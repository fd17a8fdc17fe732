/**
 * Helpers for the file connector tests: run a scan over a DataSourceSpec and get rows back, and
 * write rows through writeFiles. Not used by production code.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pw from "parquet-wasm";
import { batchFromRows, batchToRows, concatBatches } from "../../columnar/column-batch.js";
import type { DataSourceSpec } from "../../plan/logical-plan.js";
import type { RScan } from "../../plan/resolved-plan.js";
import type { ExecutionPlan, TaskContext } from "../../physical/execution-plan.js";
import { StructType } from "../../types/struct-type.js";
import { createFileScanExec, resolveFileSource } from "./file-source.js";
import { parquetIPC } from "./parquet-format.js";
import { type WriteFilesSpec, writeFiles } from "./write-files.js";

export const TESTDATA = new URL("./testdata/", import.meta.url).pathname;

export const testCtx = (batchSize = 1024, timeZone = "UTC"): TaskContext => ({ eval: { timeZone, ansi: true, currentTimestampUs: 0 }, batchSize });

export const tempDir = (): string => mkdtempSync(join(tmpdir(), "sluice-files-"));

export function spec(format: string, paths: string | string[], options: Record<string, string> = {}, userSchema?: string): DataSourceSpec {
  return { format, paths: Array.isArray(paths) ? paths : [paths], options, ...(userSchema ? { userSchema: StructType.fromDDL(userSchema) } : {}) };
}

export function scanNode(s: DataSourceSpec): RScan {
  const schema = resolveFileSource(s);
  return {
    kind: "scan",
    source: s,
    streaming: false,
    dataSchema: schema,
    output: schema.fields.map((f, i) => ({ name: f.name, type: f.type, nullable: f.nullable, exprId: i + 1, qualifiers: [] })),
  } as RScan;
}

/** Resolve + scan; returns the schema DDL and the rows. */
export async function read(s: DataSourceSpec, ctx: TaskContext = testCtx()): Promise<{ ddl: string; schema: StructType; rows: Record<string, unknown>[]; batches: number }> {
  const exec = createFileScanExec(scanNode(s));
  const batches = [];
  for await (const b of exec.execute(ctx)) batches.push(b);
  return { ddl: exec.schema.toDDL(), schema: exec.schema, rows: batchToRows(concatBatches(exec.schema, batches)), batches: batches.length };
}

/** An ExecutionPlan yielding the given rows (in batches of `chunk`). */
export function rowsPlan(ddl: string, rows: Record<string, unknown>[], chunk = 1000): ExecutionPlan {
  const schema = StructType.fromDDL(ddl);
  return {
    name: "RowsExec",
    schema,
    children: [],
    describe: () => "RowsExec",
    async *execute() {
      for (let i = 0; i < rows.length; i += chunk) yield batchFromRows(schema, rows.slice(i, i + chunk));
    },
  };
}

export async function write(ddl: string, rows: Record<string, unknown>[], w: Partial<WriteFilesSpec> & { format: string; path: string }, ctx = testCtx()): Promise<string[]> {
  const r = await writeFiles(rowsPlan(ddl, rows), ctx, { mode: "errorifexists", options: {}, partitionBy: [], ...w });
  return r.files;
}

/** A Parquet file of `rows` (of `ddl`) in row groups of `groupRows` rows, by the encoder Sluice writes with. */
export function writeParquetRowGroups(path: string, ddl: string, rows: readonly Record<string, unknown>[], groupRows: number): void {
  const schema = StructType.fromDDL(ddl);
  const table = pw.Table.fromIPCStream(parquetIPC(schema, [batchFromRows(schema, rows)]));
  writeFileSync(path, pw.writeParquet(table, new pw.WriterPropertiesBuilder().setMaxRowGroupSize(groupRows).build()));
}
