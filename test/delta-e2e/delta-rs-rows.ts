/** delta-rs's view of Delta tables for the e2e tests: one Python process reads them all. */
import { execFile } from "node:child_process";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

/** The oracle venv's Python (scripts/oracle/setup.sh makes it). */
export const ORACLE_PYTHON = join(resolve(import.meta.dirname, "../.."), ".oracle/venv/bin/python");

const SCRIPT = `import sys, json, pyarrow as pa
from deltalake import DeltaTable, QueryBuilder
out = {}
for p in sys.argv[1:]:
    try:
        out[p] = pa.table(QueryBuilder().register("t", DeltaTable(p)).execute("SELECT * FROM t").read_all()).to_pylist()
    except Exception as e:
        out[p] = {"error": str(e)}
print(json.dumps(out, default=str))
sys.stdout.flush()
import os; os._exit(0)`;

/** Each table's rows as delta-rs (its DataFusion reader) returns them, or the error it gave. */
export async function deltaRsRows(tables: readonly string[]): Promise<Record<string, Record<string, unknown>[] | { error: string }>> {
  const { stdout } = await promisify(execFile)(ORACLE_PYTHON, ["-c", SCRIPT, ...tables], { encoding: "utf8", maxBuffer: 64 << 20 });
  return JSON.parse(stdout) as Record<string, Record<string, unknown>[] | { error: string }>;
}
