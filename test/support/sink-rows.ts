/**
 * What a streaming test's sink holds, in one comparable form, for the exactly-once tests (graceful
 * stop, failures, signals): a file sink's folder (read through its manifest), a Delta table, or the
 * files a foreachBatch writer made with `writeBatchFile` (one per batch id, so a re-run batch
 * replaces its own — idempotent per batchId, as a foreachBatch writer must be). Timestamps become
 * ISO strings and BIGINTs numbers, since foreachBatch rows went through JSON.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Session } from "../../src/index.js";
import { exactJson } from "../../src/columnar/values.js";

export type SinkKind = "parquet" | "json" | "delta" | "foreachBatch";

/** foreachBatch's writer: batch `batchId`'s rows as JSON lines in `dir/batch-<id>.json`. */
export function writeBatchFile(dir: string, batchId: number, rows: readonly Record<string, unknown>[]): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `batch-${batchId}.json`), rows.map((r) => exactJson(r)).join("\n"));
}

/** The rows in `dir`, written by a `sink` sink; `schema` (DDL) reads a JSON file sink's folder. */
export async function sinkRows(spark: Session, sink: SinkKind, dir: string, schema?: string): Promise<Record<string, unknown>[]> {
  const rows =
    sink === "parquet"
      ? await spark.read.parquet(dir).collect()
      : sink === "json"
        ? await spark.read.schema(schema!).json(dir).collect()
        : sink === "delta"
          ? await spark.read.format("delta").load(dir).collect()
          : readdirSync(dir).flatMap((f) => {
              const text = readFileSync(join(dir, f), "utf8");
              return text === "" ? [] : text.split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
            });
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : typeof v === "bigint" ? Number(v) : v])));
}
