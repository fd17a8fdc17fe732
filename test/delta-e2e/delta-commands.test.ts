/**
 * DeltaTable commands (delete, update, merge's whenNotMatchedBySource, restoreToVersion, detail,
 * optimize().executeCompaction()) against what PySpark + delta-spark do on the same tables:
 * delta-commands.golden.json, recorded by scripts/oracle/delta_commands.py. Each case seeds the
 * same table, runs the same command, and compares the rows after it, the commit's operation,
 * parameters and metrics, and the add/remove actions (kind, dataChange, partition values, row
 * counts, fields). The tables Sluice leaves are then read by delta-rs (scripts/oracle/delta_verify.py)
 * with the same rows.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { DeltaTable, Session } from "../../src/index.js";
import { errorOf } from "../../src/delta/test-helpers.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..");
const PY = join(ROOT, ".oracle/venv/bin/python");
const golden = JSON.parse(readFileSync(join(HERE, "delta-commands.golden.json"), "utf8")) as {
  cases: Record<string, { rows: Row[]; commit: Commit; returned?: unknown }>;
  errors: Record<string, { class: string; message: string } | null>;
};
type Row = Record<string, unknown>;
interface FileAction {
  kind: string;
  keys: string[];
  dataChange: boolean;
  partitionValues: Record<string, string | null>;
  numRecords: number | null;
}
interface Commit {
  operation: string;
  operationParameters: Record<string, unknown>;
  operationMetrics: Record<string, string>;
  isBlindAppend: boolean;
  files: FileAction[];
}

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
afterAll(() => spark.stop());
const base = mkdtempSync(join(tmpdir(), "sluice-delta-commands-"));
let n = 0;
const SCHEMA = "id BIGINT, v STRING, p STRING";
const A = [[1, "a", "x"], [2, "b", "x"], [3, "c", "y"]];
const B = [[4, "d", "x"], [5, "e", "y"], [6, "f", "y"]];
const C = [[7, "g", "x"], [8, "h", "y"]];

async function seed(files: unknown[][][], partitionBy: string[] = []): Promise<string> {
  const path = join(base, `t${++n}`);
  for (const rows of files) {
    const w = spark.createDataFrame(rows.map((r) => ({ id: BigInt(r[0] as number), v: r[1], p: r[2] })), SCHEMA).write.format("delta").mode("append");
    await (partitionBy.length ? w.partitionBy(...partitionBy) : w).save(path);
  }
  return path;
}

const plain = (v: unknown): unknown =>
  typeof v === "bigint" ? Number(v) : v instanceof Map ? Object.fromEntries([...v].map(([k, x]) => [k, plain(x)])) : Array.isArray(v) ? v.map(plain) : v && typeof v === "object" && !(v instanceof Date) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)])) : v;
const sortRows = (rows: Row[]) => rows.map((r) => plain(r) as Row).sort((a, b) => (JSON.stringify(a, Object.keys(a).sort()) < JSON.stringify(b, Object.keys(b).sort()) ? -1 : 1));
const rowsOf = async (path: string) => sortRows(await spark.read.format("delta").load(path).collect());

function lastCommit(path: string): Commit {
  const log = join(path, "_delta_log");
  const last = readdirSync(log).filter((f) => f.endsWith(".json")).sort().at(-1)!;
  const acts = readFileSync(join(log, last), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, Record<string, unknown>>);
  const info = acts.find((a) => a.commitInfo)!.commitInfo!;
  const files: FileAction[] = [];
  for (const a of acts) {
    for (const kind of ["add", "remove", "cdc"]) {
      const f = a[kind];
      if (!f) continue;
      files.push({
        kind,
        keys: Object.keys(f).sort(),
        dataChange: f.dataChange as boolean,
        partitionValues: f.partitionValues as Record<string, string | null>,
        numRecords: typeof f.stats === "string" ? (JSON.parse(f.stats) as { numRecords: number }).numRecords : null,
      });
    }
  }
  return {
    operation: info.operation as string,
    operationParameters: info.operationParameters as Record<string, unknown>,
    operationMetrics: info.operationMetrics as Record<string, string>,
    isBlindAppend: info.isBlindAppend as boolean,
    files,
  };
}

/** Delta writes these action fields; Sluice writes the subset it has values for. */
const ACTION_FIELDS_SLUICE_OMITS = new Set(["tags", "baseRowId", "defaultRowCommitVersion", "clusteringProvider", "deletionVector"]);
const sameShape = (files: FileAction[]) =>
  files.map((f) => ({ ...f, keys: f.keys.filter((k) => !ACTION_FIELDS_SLUICE_OMITS.has(k)) })).sort((a, b) => (JSON.stringify(Object.entries(a).sort()) < JSON.stringify(Object.entries(b).sort()) ? -1 : 1));

const tables: string[] = [];
async function check(name: string, setup: unknown[][][], run: (t: DeltaTable, path: string) => Promise<unknown>, partitionBy: string[] = []) {
  const want = golden.cases[name];
  if (!want) throw new Error(`delta-commands.golden.json has no case "${name}": run scripts/oracle/delta_commands.py`);
  const path = await seed(setup, partitionBy);
  const returned = await run(DeltaTable.forPath(spark, path), path);
  tables.push(path);
  expect(await rowsOf(path)).toEqual(want.rows);
  const got = lastCommit(path);
  expect(got.operation).toBe(want.commit.operation);
  expect(got.isBlindAppend).toBe(want.commit.isBlindAppend);
  for (const [k, v] of Object.entries(want.commit.operationMetrics)) expect([k, got.operationMetrics[k]]).toEqual([k, v]);
  expect(sameShape(got.files)).toEqual(sameShape(want.commit.files));
  return { got, want, returned };
}

describe("DeltaTable.delete as delta-spark does it", () => {
  it.each([
    ["delete with a condition", [A, B], "id % 2 = 0", []],
    ["delete touching one file", [A, B], "id = 5", []],
    ["delete of every row of a file", [A, B], "id <= 3", []],
    ["delete without a condition", [A, B], undefined, []],
    ["delete matching nothing", [A, B], "id > 100", []],
    ["delete on a partition column", [A, B], "p = 'x'", ["p"]],
    ["delete in a partitioned table", [A, B], "id = 1 OR id = 6", ["p"]],
  ] as const)("%s", async (name, setup, cond, parts) => {
    const { got, want } = await check(name, setup as unknown as unknown[][][], (t) => t.delete(cond), [...parts]);
    if (want.commit.operation === "DELETE") expect(JSON.parse(String(got.operationParameters.predicate)).length).toBe(JSON.parse(String(want.commit.operationParameters.predicate)).length);
  });

  it("returns the number of deleted rows; an unknown column is an analysis error", async () => {
    const t = DeltaTable.forPath(spark, await seed([A, B]));
    expect(await t.delete("id > 4")).toBe(2);
    expect((await errorOf(() => t.delete("nope = 1"))).kind).toBe("analysis");
    expect(golden.errors["delete with an unknown column"]?.class).toBe("AnalysisException");
  });
});

describe("DeltaTable.update as delta-spark does it", () => {
  it("update with a condition", async () => {
    await check("update with a condition", [A, B], (t) => t.update("id > 4", { v: "upper(v)", id: "id * 10" }));
  });
  it("update without a condition (set only)", async () => {
    await check("update without a condition", [A], (t) => t.update({ v: "'z'" }));
  });
  it("update of a partition column moves the row to its new partition", async () => {
    await check("update of a partition column", [A, B], (t) => t.update("id = 1", { p: "'y'" }), ["p"]);
  });
  it("a null condition result leaves the row as it is", async () => {
    await check("update with a null condition result", [[[1, null, "x"], [2, "b", "x"]]], (t) => t.update("v = 'b' OR v <> 'b'", { v: "'n'" }));
  });
  it("returns the number of updated rows; an unknown column is named", async () => {
    const t = DeltaTable.forPath(spark, await seed([A]));
    expect(await t.update({ v: "'q'" }, "id < 3")).toBe(2);
    const e = await errorOf(() => t.update("id = 1", { nope: "1" }));
    expect([e.code, e.message]).toEqual(["UNRESOLVED_COLUMN", expect.stringContaining("nope")]);
    expect(golden.errors["update of an unknown column"]?.class).toBe("AnalysisException");
    expect((await errorOf(() => t.update({}))).code).toBe("DELTA_UPDATE_MISSING_ASSIGNMENTS");
  });
});

describe("merge with whenNotMatchedBySource as delta-spark does it", () => {
  const src = () => spark.createDataFrame([{ id: 2n, v: "B", p: "x" }, { id: 7n, v: "G", p: "y" }], SCHEMA);
  it("matched update, insert, and by-source delete and update", async () => {
    const { returned } = await check("merge with whenNotMatchedBySource", [A, B], (t) =>
      t
        .alias("t")
        .merge(src().alias("s"), "t.id = s.id")
        .whenMatchedUpdateAll()
        .whenNotMatchedInsertAll()
        .whenNotMatchedBySourceDelete("t.id > 4")
        .whenNotMatchedBySourceUpdate({ v: "concat(t.v, '-old')" })
        .execute(),
    );
    expect(returned).toMatchObject({ numTargetRowsMatchedUpdated: 1, numTargetRowsInserted: 1, numTargetRowsNotMatchedBySourceDeleted: 2, numTargetRowsNotMatchedBySourceUpdated: 3 });
  });
  it("only whenNotMatchedBySourceDelete", async () => {
    await check("merge with only whenNotMatchedBySourceDelete", [A, B], (t) =>
      t.alias("t").merge(spark.createDataFrame([{ id: 1n, v: "A", p: "x" }], SCHEMA).alias("s"), "t.id = s.id").whenNotMatchedBySourceDelete().execute(),
    );
  });
  it("a by-source clause that reads the source is refused", async () => {
    const t = DeltaTable.forPath(spark, await seed([A]));
    const e = await errorOf(() => t.alias("t").merge(src().alias("s"), "t.id = s.id").whenNotMatchedBySourceUpdate({ v: "s.v" }).execute());
    expect([e.code, e.message]).toEqual(["DELTA_MERGE_UNRESOLVED_EXPRESSION", expect.stringContaining("only refer to target columns")]);
    expect(golden.errors["whenNotMatchedBySource reading the source"]).not.toBeNull(); // delta-spark fails too
    const e2 = await errorOf(() => t.alias("t").merge(src().alias("s"), "t.id = s.id").whenNotMatchedBySourceDelete().whenNotMatchedBySourceDelete("t.id = 1").execute());
    expect(e2.code).toBe("DELTA_NON_LAST_MATCHED_CLAUSE_OMIT_CONDITION");
  });
});

describe("restoreToVersion / restoreToTimestamp", () => {
  it("restoreToVersion as delta-spark does it, with its metrics row", async () => {
    const { returned, want } = await check("restoreToVersion", [A, B], async (t) => {
      await t.delete("id = 1");
      await t.update("id = 4", { v: "'D'" });
      return (await t.restoreToVersion(1)).collect();
    });
    const w = (want.returned as Row[])[0]!;
    const g = plain((returned as Row[])[0]) as Row;
    expect(Object.keys(g).sort()).toEqual(Object.keys(w).sort());
    for (const k of ["num_of_files_after_restore", "num_removed_files", "num_restored_files"]) expect([k, g[k]]).toEqual([k, w[k]]);
  });
  it("restoreToVersion before a schema change brings the old schema back", async () => {
    await check("restoreToVersion before a schema change", [A], async (t, path) => {
      await spark.createDataFrame([{ id: 9n, v: "i", p: "x", w: 1.5 }], "id BIGINT, v STRING, p STRING, w DOUBLE").write.format("delta").mode("append").option("mergeSchema", true).save(path);
      return t.restoreToVersion(0);
    });
  });
  it("restoreToTimestamp restores the version in force then; bad versions and vacuumed files are refused", async () => {
    const path = await seed([A, B]);
    const t = DeltaTable.forPath(spark, path);
    const h = await (await t.history()).collect();
    const v0 = h.find((r) => r.version === 0n)!.timestamp as Date;
    await t.delete();
    await t.restoreToTimestamp(new Date(v0.getTime()));
    expect((await rowsOf(path)).map((r) => r.id)).toEqual([1, 2, 3]);
    expect(golden.errors["restoreToVersion past the latest"]?.class).toBe("AnalysisException");
    expect(golden.errors["restoreToVersion past the latest"]?.message).toContain("DELTA_CANNOT_RESTORE_TABLE_VERSION");
    const past = await errorOf(() => t.restoreToVersion(99));
    expect([past.code, past.message]).toEqual(["DELTA_CANNOT_RESTORE_TABLE_VERSION", expect.stringContaining("Available versions: [0, 3]")]);
    await t.vacuum(0, { retentionDurationCheck: false });
    const e = await errorOf(() => t.restoreToVersion(1));
    expect([e.code, e.message]).toEqual(["DELTA_RESTORE_MISSING_FILES", expect.stringContaining("no longer exist")]);
  });
});

describe("detail", () => {
  it("has DESCRIBE DETAIL's columns and values", async () => {
    const want = golden.cases.detail!.returned as { schema: string; values: Row };
    const path = await seed([A, B], ["p"]);
    const d = await DeltaTable.forPath(spark, path).detail();
    expect(d.schema.simpleString()).toBe(want.schema);
    const [row] = await d.collect();
    const got = plain(row) as Row;
    for (const k of Object.keys(want.values)) {
      if (k === "properties") continue; // delta-spark's case set delta.appendOnly=false
      expect([k, got[k]]).toEqual([k, want.values[k]]);
    }
    expect(got).toMatchObject({ location: path, numFiles: 4 });
    expect(Number(got.sizeInBytes)).toBeGreaterThan(0);
  });
});

describe("optimize().executeCompaction()", () => {
  it("bin-packs each partition's small files into one, dataChange=false", async () => {
    const { returned, want } = await check("optimize", [A, B, C], async (t) => (await t.optimize().executeCompaction()).collect(), ["p"]);
    const w = want.returned as { schema: string; metrics: Row };
    const [r] = returned as Row[];
    const m = plain((r as Row).metrics) as Record<string, Row & { totalFiles: number }>;
    expect({ ...Object.fromEntries(Object.keys(w.metrics).filter((k) => !k.includes(".")).map((k) => [k, m[k]])), "filesAdded.totalFiles": m.filesAdded!.totalFiles, "filesRemoved.totalFiles": m.filesRemoved!.totalFiles }).toEqual(w.metrics);
  });
  it("where on a partition column compacts that partition only", async () => {
    await check("optimize with a partition filter", [A, B, C], (t) => t.optimize().where("p = 'x'").executeCompaction(), ["p"]);
  });
  it("a table with nothing to compact gets no commit", async () => {
    const path = await seed([[...A, ...B]]);
    await DeltaTable.forPath(spark, path).optimize().executeCompaction();
    expect(lastCommit(path).operation).toBe(golden.cases["optimize of a compacted table"]!.commit.operation);
  });
  it("where on a data column is refused by name", async () => {
    const t = DeltaTable.forPath(spark, await seed([A], ["p"]));
    const e = await errorOf(() => t.optimize().where("id = 1").executeCompaction());
    expect(golden.errors["optimize where on a data column"]?.message).toContain("DELTA_NON_PARTITION_COLUMN_REFERENCE");
    expect([e.code, e.message]).toEqual(["DELTA_NON_PARTITION_COLUMN_REFERENCE", expect.stringContaining("Only the partition columns may be referenced: [p]")]);
    expect(golden.errors["optimize where on a data column"]?.class).toBe("AnalysisException");
  });
});

describe("tables the commands left are read by delta-rs", () => {
  it.skipIf(!existsSync(PY))("with the same rows", async () => {
    expect(tables.length).toBeGreaterThan(10);
    for (const path of tables) {
      const out = JSON.parse(execFileSync(PY, [join(ROOT, "scripts/oracle/delta_verify.py"), path], { encoding: "utf8" })) as { rows: Row[] };
      expect([path, sortRows(out.rows)]).toEqual([path, await rowsOf(path)]);
    }
  }, 120_000);
});
