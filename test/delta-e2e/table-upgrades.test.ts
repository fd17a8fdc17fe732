/**
 * Features turned on for an existing Delta table (issue 12), against delta-spark 4.0 (the records
 * of table-upgrades.golden.json, written by scripts/oracle/delta_table_upgrades.py):
 *   - `cm-*`: SET TBLPROPERTIES ('delta.columnMapping.mode' = 'name') commits delta-spark's
 *     protocol, schema (ids and physical names equal to the names) and configuration; RENAME and
 *     DROP COLUMN then work;
 *   - `tw-*`: type widening, SET TBLPROPERTIES ('delta.enableTypeWidening' = 'true') and
 *     ALTER COLUMN ... TYPE (top-level, struct field, array element, map key and value, partition
 *     column) commit delta-spark's protocol, schema with `delta.typeChanges`, and operationParameters;
 *     old files read widened;
 * every table then reads back delta-spark's rows; refused changes fail with delta-spark's error
 * classes, and nothing is committed.
 * delta-rs and PySpark + delta-spark read every table Sluice changed with the same rows.
 * Needs `.oracle/venv/bin/python` with deltalake, pyspark and delta-spark (scripts/oracle/setup.sh).
 */
import { execFile } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { Session } from "../../src/index.js";
import { parseCommit } from "../../src/delta/actions.js";
import { loadSnapshot } from "../../src/delta/snapshot.js";
import { errorOf, tempTable } from "../../src/delta/test-helpers.js";
import { ORACLE_PYTHON as PY, deltaRsRows } from "./delta-rs-rows.js";
import { physical, replayStep } from "./oracle-steps.js";

const ROOT = resolve(import.meta.dirname, "../..");
type Row = Record<string, unknown>;
interface Commit {
  statement: string;
  committed?: false;
  operation: string;
  operationParameters: Record<string, unknown>;
  protocol?: { minReaderVersion: number; minWriterVersion: number; readerFeatures?: string[]; writerFeatures?: string[] };
  schema?: unknown;
  configuration?: Record<string, string>;
}
interface Golden {
  cases: Record<string, { steps: string[]; commits: Commit[]; rows: Row[]; schema: string }>;
  errors: Record<string, { setup: string[]; statement: string; errorClass: string | null; lastCommit?: Commit }>;
}
const golden = JSON.parse(readFileSync(join(import.meta.dirname, "table-upgrades.golden.json"), "utf8")) as Golden;

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
afterAll(() => spark.stop());

/** Tables Sluice changed, their rows (JSON text, sorted) and schema, for delta-rs and PySpark at the end. */
const checks: { table: string; rows: string[]; schema: string }[] = [];
/** The type-widening tables read back by delta-rs and PySpark (one of each kind, to keep the PySpark run short). */
const READ_BACK_TW = new Set(["tw-all", "tw-cm-name", "tw-enable-dv", "tw-partition-column"]);
const readBack = (name: string, table: string, rows: string[], schema: string): void => {
  if (!name.startsWith("tw-") || READ_BACK_TW.has(name)) checks.push({ table, rows, schema });
};
/**
 * delta-spark 4.0 reads the all-NULL struct `st` of tw-all as {x: null} once st.x is widened (the
 * row was inserted as NULL, and reads as NULL before the change); Sluice reads it as NULL.
 */
const SLUICE_ROWS: Record<string, (rows: Row[]) => Row[]> = {
  "tw-all": (rows) => rows.map((r) => (r.b === null && r.st !== null ? { ...r, st: null } : r)),
};
/** A row value as the oracle's JSON has it: maps as objects with text keys, TIMESTAMP_NTZ as ISO text without a zone. */
const norm = (v: unknown): unknown =>
  typeof v === "bigint"
    ? Number(v)
    : Array.isArray(v)
      ? v.map(norm)
      : v instanceof Map
        ? Object.fromEntries([...v].map(([k, x]) => [String(norm(k)), norm(x)]).sort(([a], [b]) => (a! < b! ? -1 : 1)))
        : v instanceof Date
          ? v.toISOString().slice(0, 19)
          : v !== null && typeof v === "object"
          ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, norm((v as Row)[k])]))
          : (v ?? null);
const sortedRows = (rows: readonly Row[]): string[] => rows.map((r) => JSON.stringify(norm(r))).sort();

/** Every commit of `table`, oldest first, as its actions. */
const commits = (table: string) =>
  readdirSync(join(table, "_delta_log"))
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => parseCommit(readFileSync(join(table, "_delta_log", f), "utf8"), f));

function lastCommit(table: string): Commit & { adds: Row[]; removes: Row[] } {
  const out: Row = { adds: [], removes: [] };
  for (const a of commits(table).at(-1)!) {
    if (a.kind === "commitInfo") Object.assign(out, { operation: a.value.operation, operationParameters: a.value.operationParameters });
    if (a.kind === "metaData") Object.assign(out, { schema: JSON.parse(a.value.schemaString), configuration: a.value.configuration });
    if (a.kind === "protocol") out.protocol = a.value;
    if (a.kind === "add") (out.adds as Row[]).push(a.value as unknown as Row);
    if (a.kind === "remove") (out.removes as Row[]).push(a.value as unknown as Row);
  }
  return out as unknown as Commit & { adds: Row[]; removes: Row[] };
}

/** A protocol with its feature lists as sets (delta-spark's order follows Scala's set order). */
const protocolSets = (p: Commit["protocol"]) => p && { ...p, readerFeatures: p.readerFeatures && [...p.readerFeatures].sort(), writerFeatures: p.writerFeatures && [...p.writerFeatures].sort() };

const step = (table: string, sql: string): Promise<void> => replayStep(spark, table, sql);

/** delta-spark takes it, Sluice does not write a table with both column mapping and the change data feed (tested below). */
const NOT_REPLAYED = new Set(["cm-enable-cdf"]);
const cases = <T>(entries: Record<string, T>): [string, T][] => Object.entries(entries);

describe("features turned on as delta-spark 4.0 commits them", () => {
  for (const [name, c] of cases(golden.cases).filter(([n]) => !NOT_REPLAYED.has(n))) {
    it(name, async () => {
      const table = tempTable();
      let k = 0;
      for (const sql of c.steps) {
        await step(table, sql);
        if (!sql.startsWith("ALTER")) continue;
        const want = c.commits[k++]!;
        const got = lastCommit(table);
        expect(got.operation, sql).toBe(want.operation);
        expect(physical(got.operationParameters), sql).toEqual(physical(want.operationParameters));
        expect(physical(got.schema), sql).toEqual(want.schema);
        expect(got.configuration, sql).toEqual(want.configuration);
        expect(protocolSets(got.protocol), sql).toEqual(protocolSets(want.protocol));
      }
      const df = spark.read.format("delta").load(table);
      expect(df.schema.simpleString()).toBe(c.schema);
      const rows = sortedRows(await df.collect());
      expect(rows).toEqual(sortedRows(SLUICE_ROWS[name]?.(c.rows) ?? c.rows));
      readBack(name, table, rows, c.schema);
    });
  }
});

/** Sluice's error where delta-spark's differs: turning column mapping off (delta-spark rewrites the table), an unknown mode (delta-spark gives no class). */
const SLUICE_REFUSES: Record<string, string> = {
  "cm-disable-renamed": "DELTA_UNSUPPORTED_TABLE_PROPERTY",
  "cm-unset-renamed": "DELTA_UNSUPPORTED_TABLE_PROPERTY",
  "cm-bad-mode": "DELTA_UNSUPPORTED_COLUMN_MAPPING_MODE",
  // delta-spark 4.0 fails without an error class (a Py4J error) when the table lacks the timestampNtz feature
  "tw-date-to-ntz-no-feature": "DELTA_FEATURES_REQUIRE_MANUAL_ENABLEMENT",
};

describe("refused changes", () => {
  for (const [name, c] of cases(golden.errors).filter(([n]) => golden.errors[n]!.errorClass !== null || SLUICE_REFUSES[n])) {
    it(`${name}: ${SLUICE_REFUSES[name] ?? c.errorClass}`, async () => {
      const table = tempTable();
      for (const sql of c.setup) await step(table, sql);
      const before = (await loadSnapshot(table)).version;
      const e = await errorOf(() => step(table, c.statement));
      expect(e.code, c.statement).toBe(SLUICE_REFUSES[name] ?? c.errorClass);
      if (name === "cm-disable-renamed") expect(c.lastCommit!.operation, "delta-spark rewrites the table instead").toBe("REMOVE COLUMN MAPPING");
      expect((await loadSnapshot(table)).version, "nothing is committed").toBe(before);
    });
  }

  for (const [name, c] of cases(golden.errors).filter(([n]) => golden.errors[n]!.errorClass === null && !SLUICE_REFUSES[n])) {
    it(`${name}: taken, as by delta-spark`, async () => {
      const table = tempTable();
      for (const sql of c.setup) await step(table, sql);
      await step(table, c.statement);
      const got = lastCommit(table);
      const want = c.lastCommit!;
      expect([got.operation, physical(got.operationParameters), physical(got.schema), got.configuration]).toEqual([want.operation, physical(want.operationParameters), want.schema, want.configuration]);
      const df = spark.read.format("delta").load(table);
      readBack(name, table, sortedRows(await df.collect()), df.schema.simpleString());
    });
  }

  it("column mapping on a table with the change data feed is refused by the writer gate (delta-spark takes it)", async () => {
    const table = tempTable();
    for (const sql of golden.cases["cm-enable-cdf"]!.steps.slice(0, 2)) await step(table, sql);
    const e = await errorOf(() => step(table, golden.cases["cm-enable-cdf"]!.steps[2]!));
    expect(e.code).toBe("DELTA_UNSUPPORTED_FEATURE");
  });
});

describe("delta-rs and PySpark read the tables Sluice changed", () => {
  it("with the same rows", { timeout: 300_000 }, async () => {
    expect(checks.length).toBeGreaterThan(0);
    const tables = checks.map((c) => c.table);
    const rs = await deltaRsRows(tables);
    const ps = JSON.parse((await promisify(execFile)(PY, [join(ROOT, "scripts/oracle/spark_read.py"), ...tables.map((t) => `delta=${t}`)], { encoding: "utf8", maxBuffer: 64 << 20 })).stdout) as Record<string, { rows?: Row[]; error?: string; schema?: string }>;
    for (const c of checks) {
      const r = rs[c.table]!;
      // delta-rs (the deltalake package) does not implement the typeWidening reader feature and says so
      if ((await loadSnapshot(c.table)).protocol.readerFeatures?.includes("typeWidening")) expect(r, `delta-rs ${c.table}`).toEqual({ error: expect.stringContaining("TypeWidening") });
      else expect(Array.isArray(r) ? sortedRows(r) : r, `delta-rs ${c.table}`).toEqual(c.rows);
      expect(ps[c.table]!.error, `PySpark ${c.table}`).toBeUndefined();
      expect(ps[c.table]!.rows!.length, `PySpark ${c.table}`).toBe(c.rows.length);
      expect(ps[c.table]!.schema, `PySpark ${c.table}`).toBe(c.schema);
    }
  });
});
