/**
 * Sluice's snapshot of every Spark-written golden table equals delta-rs's view (recorded by
 * scripts/oracle/delta_golden.py into test/delta/golden/*.json), or Sluice refuses the table
 * with an error naming the missing feature or the damage.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SluiceError } from "../../src/common/errors.js";
import type { DataType } from "../../src/types/data-type.js";
import { type Snapshot, loadSnapshot } from "../../src/delta/snapshot.js";
import { formatDecimal } from "../../src/types/decimal-value.js";

/** Spark-written tables in ../shared/delta-golden, beside the repository (a missing folder fails). */
const GOLDEN_TABLES = join(import.meta.dirname, "..", "..", "..", "shared", "delta-golden");
const RECORDED = join(import.meta.dirname, "golden");

interface View {
  error?: string;
  version?: number;
  schema?: { fields: { name: string }[] };
  partitionColumns?: string[];
  files?: { path: string; partitionValues: Record<string, string | null>; numRecords: number | null }[];
}
interface Recorded {
  table: string;
  latest: View;
  versions: Record<string, View>;
}

/** Codes meaning "Sluice knowingly does not support this table" (feature or type). */
const REFUSALS = new Set(["DELTA_UNSUPPORTED_FEATURE", "DELTA_UNSUPPORTED_DATA_TYPE", "DELTA_INVALID_PROTOCOL_VERSION"]);
/** Tables Sluice must read (not merely refuse). */
const MUST_READ = [
  "basic-with-inserts-deletes-checkpoint",
  "checkpoint",
  "multi-part-checkpoint",
  "only-checkpoint-files",
  "corrupted-last-checkpoint-kernel",
  "time-travel-partition-changes-b",
  "kernel-timestamp-partition-col-ISO8601",
  "data-reader-escaped-chars",
  "log-replay-latest-metadata-protocol",
  "log-replay-special-characters-a",
  "snapshot-vacuumed",
  "time-travel-schema-changes-b",
  "delete-re-add-same-file-different-transactions",
  "log-replay-dv-key-cases",
  "dv-partitioned-with-checkpoint",
  "v2-checkpoint-json",
  "v2-checkpoint-parquet",
];
/** Expected error codes for tables that must be refused. */
const MUST_REFUSE: Record<string, string> = {
  "no-delta-log-folder": "DELTA_TABLE_NOT_FOUND",
  "deltalog-invalid-protocol-version": "DELTA_INVALID_PROTOCOL_VERSION",
  "deltalog-state-reconstruction-without-protocol": "DELTA_STATE_RECOVER_ERROR",
  "deltalog-state-reconstruction-from-checkpoint-missing-metadata": "DELTA_STATE_RECOVER_ERROR",
  "canonicalized-paths-normal-a": "DELTA_INVALID_LOG_ENTRY",
};

const tmp = mkdtempSync(join(tmpdir(), "sluice-delta-golden-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const recorded: Recorded[] = existsSync(RECORDED)
  ? readdirSync(RECORDED)
      .filter((f) => f.endsWith(".json"))
      .sort()
      .map((f) => JSON.parse(readFileSync(join(RECORDED, f), "utf8")) as Recorded)
  : [];

async function sluiceView(root: string, version?: number): Promise<{ snap?: Snapshot; error?: SluiceError }> {
  try {
    return { snap: await loadSnapshot(root, version === undefined ? {} : { version }) };
  } catch (e) {
    if (!(e instanceof SluiceError)) throw e;
    return { error: e };
  }
}

/** delta-rs's canonical text of a typed partition value (see canon() in delta_golden.py). */
function canon(v: unknown, t: DataType): string | null {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case "date":
      return new Date((v as number) * 86_400_000).toISOString().slice(0, 10);
    case "decimal":
      return formatDecimal(v as bigint, t.scale);
    case "float":
    case "double":
      return Number.isInteger(v) ? (v as number).toFixed(1) : String(v);
    default:
      return String(v);
  }
}

function compare(name: string, want: View, got: { snap?: Snapshot; error?: SluiceError }): void {
  if (want.error !== undefined) {
    // delta-rs refuses: Sluice must refuse too, with a SluiceError naming the table.
    expect(got.error, `${name}: delta-rs refused (${want.error}) but Sluice read it`).toBeDefined();
    return;
  }
  if (got.error) {
    expect(REFUSALS.has(got.error.code), `${name}: unexpected ${got.error.code}: ${got.error.message}`).toBe(true);
    return;
  }
  const snap = got.snap!;
  expect(snap.version).toBe(want.version);
  expect(snap.schema.fieldNames).toEqual(want.schema!.fields.map((f) => f.name));
  expect([...snap.partitionColumns]).toEqual(want.partitionColumns);
  const files = [...snap.files].sort((a, b) => (a.path < b.path ? -1 : 1));
  expect(files.map((f) => f.path)).toEqual(want.files!.map((f) => f.path));
  files.forEach((f, i) => {
    const wantPv = want.files![i]!.partitionValues;
    for (const col of snap.partitionColumns) {
      const t = snap.schema.field(col).type;
      expect(canon(f.partitionData[col], t), `${name} ${f.path} partition ${col}`).toBe(wantPv[col] ?? null);
    }
    const nr = want.files![i]!.numRecords;
    if (nr !== null) expect(f.parsedStats?.numRecords).toBe(nr);
  });
}

describe("golden Delta tables vs delta-rs", () => {
  it("has recorded delta-rs views for the golden tables", () => {
    expect(existsSync(GOLDEN_TABLES), `${GOLDEN_TABLES} (../shared/delta-golden beside the repository) is missing`).toBe(true);
    expect(recorded.length).toBeGreaterThan(50);
  });

  for (const rec of recorded) {
    it(rec.table, async () => {
      const root = join(tmp, rec.table);
      cpSync(join(GOLDEN_TABLES, rec.table), root, { recursive: true, preserveTimestamps: true });
      const latest = await sluiceView(root);
      if (MUST_READ.includes(rec.table)) expect(latest.error?.message).toBeUndefined();
      const code = MUST_REFUSE[rec.table];
      if (code) {
        expect(latest.error?.code).toBe(code);
        expect(latest.error?.message).toContain(rec.table);
      }
      compare(rec.table, rec.latest, latest);
      for (const [v, view] of Object.entries(rec.versions)) {
        compare(`${rec.table}@${v}`, view, await sluiceView(root, Number(v)));
      }
    });
  }
});
