/**
 * Column DDL on Delta tables (issue 12: rename / drop on column-mapped tables, add and change
 * columns), checked against delta-spark 4.0 (alter-columns.golden.json, written by
 * scripts/oracle/delta_alter_columns.py):
 *   - each golden case runs its statements on a table Sluice writes; every ALTER commit has
 *     delta-spark's operation, operationParameters and metaData (schema with the fields' column
 *     ids and physical names kept, maxColumnId, partition columns), and the table reads back
 *     delta-spark's rows and schema (a dropped column's data stays in the files, unread; a column
 *     added again under a dropped one's name reads null for the old rows);
 *   - each refused statement fails with delta-spark's error class;
 *   - a stream across a rename or drop fails as delta-spark's does, an added column too;
 *   - delta-rs and PySpark + delta-spark read the tables Sluice altered with the same rows.
 * Needs `.oracle/venv/bin/python` with deltalake, pyspark and delta-spark (scripts/oracle/setup.sh).
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
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
const py = async (...args: string[]): Promise<string> => (await promisify(execFile)(PY, args, { encoding: "utf8", maxBuffer: 64 << 20 })).stdout;

type Row = Record<string, unknown>;
interface Alter {
  statement: string;
  operation: string;
  operationParameters: Record<string, string>;
  schema: unknown;
  configuration: Record<string, string>;
  partitionColumns: string[];
}
interface Golden {
  cases: Record<string, { steps: string[]; alters: Alter[]; rows: Row[]; schema: string }>;
  errors: Record<string, { setup: string[]; statement: string; errorClass: string | null; lastCommit?: string }>;
  streaming: Record<string, { setup: string[]; change: string; running: { errorClass: string | null }; fromStart: { errorClass: string | null; rows?: number } }>;
}
const golden = JSON.parse(readFileSync(join(import.meta.dirname, "alter-columns.golden.json"), "utf8")) as Golden;

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
afterAll(() => spark.stop());

/** The tables Sluice altered and their rows, for delta-rs and PySpark to read at the end. */
const checks: { table: string; rows: string[]; valueRows: string[] }[] = [];

/** A value in a reader-neutral form: integers as numbers, object keys sorted, missing as null. */
const norm = (v: unknown): unknown =>
  typeof v === "bigint"
    ? Number(v)
    : Array.isArray(v)
      ? v.map(norm)
      : v !== null && typeof v === "object"
        ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, norm((v as Row)[k])]))
        : (v ?? null);
const sortedRows = (rows: readonly Row[]): string[] => rows.map((r) => JSON.stringify(norm(r))).sort();
/** A row as scripts/oracle/spark_read.py gives it: nested structs as arrays of their values (in field order). */
const asValues = (v: unknown): unknown => (Array.isArray(v) ? v.map(asValues) : v !== null && typeof v === "object" ? Object.values(v).map(asValues) : norm(v));
const sortedValueRows = (rows: readonly Row[]): string[] => rows.map((r) => JSON.stringify(Object.fromEntries(Object.keys(r).sort().map((k) => [k, asValues(r[k])])))).sort();

function lastCommit(table: string): Omit<Alter, "statement"> {
  const log = join(table, "_delta_log");
  const name = readdirSync(log).filter((f) => f.endsWith(".json")).sort().at(-1)!;
  const out: Record<string, unknown> = {};
  for (const a of parseCommit(readFileSync(join(log, name), "utf8"), name)) {
    if (a.kind === "commitInfo") Object.assign(out, { operation: a.value.operation, operationParameters: a.value.operationParameters });
    if (a.kind === "metaData") Object.assign(out, { schema: JSON.parse(a.value.schemaString), configuration: a.value.configuration, partitionColumns: a.value.partitionColumns });
  }
  return out as unknown as Omit<Alter, "statement">;
}

const step = (table: string, sql: string): Promise<void> => replayStep(spark, table, sql);

describe("column DDL as delta-spark 4.0 commits it", () => {
  for (const [name, c] of Object.entries(golden.cases)) {
    it(name, async () => {
      const table = tempTable();
      let k = 0;
      for (const sql of c.steps) {
        await step(table, sql);
        if (!sql.startsWith("ALTER")) continue;
        const want = c.alters[k++]!;
        const got = lastCommit(table);
        expect(got.operation, sql).toBe(want.operation);
        expect(physical(got.operationParameters), sql).toEqual(physical(want.operationParameters));
        expect(physical(got.schema), sql).toEqual(want.schema);
        expect(got.configuration, sql).toEqual(want.configuration);
        expect(got.partitionColumns, sql).toEqual(want.partitionColumns);
      }
      const df = spark.read.format("delta").load(table);
      expect(df.schema.simpleString()).toBe(c.schema);
      const collected = await df.collect();
      const rows = sortedRows(collected);
      expect(rows).toEqual(sortedRows(c.rows));
      checks.push({ table, rows, valueRows: sortedValueRows(collected) });
    });
  }
});

describe("refused column DDL", () => {
  for (const [name, c] of Object.entries(golden.errors)) {
    it(`${name}: ${c.errorClass ?? "no error"}`, async () => {
      const table = tempTable();
      for (const sql of c.setup) await step(table, sql);
      const before = (await loadSnapshot(table)).version;
      if (c.errorClass === null) {
        await step(table, c.statement);
        expect(lastCommit(table).operation).toBe(c.lastCommit);
        return;
      }
      const e = await errorOf(() => step(table, c.statement));
      expect(e.code, c.statement).toBe(c.errorClass);
      expect(e.message.startsWith(`[${c.errorClass}]`), e.message).toBe(true);
      expect((await loadSnapshot(table)).version, "nothing is committed").toBe(before);
    });
  }

  it("RENAME's refusal without column mapping says how to get it; a NOT NULL field deep in an added column is refused", async () => {
    const table = tempTable();
    await step(table, "CREATE TABLE $T (id BIGINT, v STRING) USING delta ");
    const e = await errorOf(() => step(table, "ALTER TABLE $T RENAME COLUMN v TO w"));
    expect(e.message).toMatch(/delta\.columnMapping\.mode/);
    // delta-spark refuses a NOT NULL field at any depth of an added column, not only at the top
    const nested = await errorOf(() => step(table, "ALTER TABLE $T ADD COLUMNS (s STRUCT<a: INT NOT NULL>)"));
    expect(nested.code).toBe("DELTA_OPERATION_NOT_ALLOWED");
  });
});

describe("a stream across a column change", () => {
  it("a stream of a column-mapped partitioned table reads rows and partition values by physical name, after a rename", { timeout: 120_000 }, async () => {
    const table = tempTable();
    await step(table, "CREATE TABLE $T (id BIGINT, v STRING, p STRING) USING delta PARTITIONED BY (p) TBLPROPERTIES ('delta.columnMapping.mode' = 'name')");
    await step(table, "ALTER TABLE $T RENAME COLUMN v TO value");
    await step(table, "ALTER TABLE $T RENAME COLUMN p TO part");
    await step(table, "INSERT INTO $T VALUES (1, 'one', 'a'), (2, 'two', 'b')");
    const q = await spark.readStream.format("delta").load(table).writeStream.format("memory").queryName("mapped_partitions").option("checkpointLocation", tempTable()).start();
    await q.processAllAvailable();
    await step(table, "INSERT INTO $T VALUES (3, 'three', 'a')");
    await q.processAllAvailable();
    await q.stop();
    expect(sortedRows(await spark.table("mapped_partitions").collect())).toEqual(sortedRows([{ id: 1, value: "one", part: "a" }, { id: 2, value: "two", part: "b" }, { id: 3, value: "three", part: "a" }]));
  });

  for (const [name, c] of Object.entries(golden.streaming)) {
    it(`${name}: running ${c.running.errorClass}, from the start ${c.fromStart.errorClass ?? "reads"}`, { timeout: 120_000 }, async () => {
      const table = tempTable();
      for (const sql of c.setup) await step(table, sql);
      const q = await spark.readStream.format("delta").load(table).writeStream.format("memory").queryName(`running_${name}`).option("checkpointLocation", tempTable()).start();
      await q.processAllAvailable();
      await step(table, c.change);
      await step(table, `INSERT INTO $T SELECT * FROM delta.\`${table}\` LIMIT 1`);
      const e = await errorOf(() => q.processAllAvailable());
      expect(e.code).toBe(c.running.errorClass);
      await q.stop();
      const q2 = await spark.readStream.format("delta").option("startingVersion", "0").load(table).writeStream.format("memory").queryName(`from_start_${name}`).option("checkpointLocation", tempTable()).start();
      if (c.fromStart.errorClass === null) {
        await q2.processAllAvailable();
        expect((await spark.table(`from_start_${name}`).collect()).length).toBe(c.fromStart.rows);
      } else {
        expect((await errorOf(() => q2.processAllAvailable())).code).toBe(c.fromStart.errorClass);
      }
      await q2.stop();
    });
  }
});

describe("delta-rs and PySpark + delta-spark read the tables Sluice altered", () => {
  it("with the same rows as Sluice", { timeout: 900_000 }, async () => {
    expect(existsSync(PY), `${PY} is missing: run scripts/oracle/setup.sh`).toBe(true);
    expect(checks.length).toBe(Object.keys(golden.cases).length);
    const rs = await deltaRsRows(checks.map((c) => c.table));
    const ps = JSON.parse(await py(join(ROOT, "scripts/oracle/spark_read.py"), ...checks.map((c) => `delta=${c.table}`))) as Record<string, { rows?: Row[]; error?: string }>;
    for (const c of checks) {
      const r = rs[c.table]!;
      expect("error" in r ? r.error : undefined, `delta-rs on ${c.table}`).toBeUndefined();
      expect(sortedRows(r as Row[]), `delta-rs on ${c.table}`).toEqual(c.rows);
      expect(ps[c.table]!.error, `PySpark on ${c.table}`).toBeUndefined();
      expect(sortedValueRows(ps[c.table]!.rows!), `PySpark on ${c.table}`).toEqual(c.valueRows);
    }
  });
});
