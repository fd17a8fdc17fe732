/**
 * Delta tables as delta-rs (`.oracle/venv`, deltalake) reads them, for the reference pipeline's
 * tests: an independent reader of what Sluice wrote.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const PY = join(resolve(dirname(fileURLToPath(import.meta.url)), "../.."), ".oracle/venv/bin/python");

/** Whether the oracle venv has deltalake (bash scripts/oracle/setup.sh installs it). */
export const hasDeltaRs = existsSync(PY) && spawnSync(PY, ["-c", "import deltalake"]).status === 0;

/** The rows of a Delta table as delta-rs reads them, timestamps as ISO text. */
export function deltaRsRows(path: string): Record<string, unknown>[] {
  const script = [
    "import json, sys, os",
    "from deltalake import DeltaTable",
    "rows = DeltaTable(sys.argv[1]).to_pyarrow_table().to_pylist()",
    "print(json.dumps(rows, default=lambda v: v.isoformat()))",
    // Skip delta-rs's runtime teardown, which can abort under load after the answer is printed.
    "sys.stdout.flush(); os._exit(0)",
  ].join("\n");
  const r = spawnSync(PY, ["-c", script, path], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`delta-rs could not read ${path}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>[];
}

/** Aggregate rows as [window_start ISO, events, amount], sorted; delta-rs gives UTC instants. */
export const aggregateRows = (rows: Record<string, unknown>[]): [string, number, number][] =>
  rows
    .map((r) => [new Date(String(r.window_start).replace(/(\+00:00|Z)?$/, "Z")).toISOString(), Number(r.events), Number(r.amount)] as [string, number, number])
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
