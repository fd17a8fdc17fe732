/**
 * Delta's SQL statements in spark.sql() against what PySpark + delta-spark return on the same
 * tables: delta-sql.golden.json, recorded by scripts/oracle/delta_sql.py. Each case seeds the same
 * table, runs the same statements and compares the last one's result rows (the fields the oracle
 * keeps) and the table's rows after it. Then what the golden cannot show: the change data feed
 * turned on by ALTER TABLE and by the session default, statement order, and the errors.
 */
import { mkdtempSync, readFileSync, readdirSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { Session } from "../../src/index.js";
import { startSqlPipeline } from "../../src/cli/sql-pipeline.js";
import { setLogger } from "../../src/common/logger.js";
import { errorOf } from "../../src/delta/test-helpers.js";

const HERE = dirname(fileURLToPath(import.meta.url));
type Row = Record<string, unknown>;
const golden = JSON.parse(readFileSync(join(HERE, "delta-sql.golden.json"), "utf8")) as {
  cases: Record<string, { statements: string[]; schema: string; result: Row[]; rows: Row[] }>;
  errors: Record<string, { statement: string; errorClass: string | null; message: string } | null>;
};

const spark = Session.builder().config("spark.ui.enabled", false).config("spark.sql.session.timeZone", "UTC").getOrCreate();
afterAll(() => spark.stop());
const base = mkdtempSync(join(tmpdir(), "sluice-delta-sql-"));
let n = 0;

const A = [[1n, "a", "x"], [2n, "b", "x"], [3n, "c", "y"]];
const B = [[4n, "d", "x"], [5n, "e", "y"], [6n, "f", "y"]];
/** The oracle's seeds: one append per list (one file per partition), columns id, v, p. */
const SEEDS: Record<string, { files?: unknown[][][]; partitionBy?: string[] }> = {
  optimize: { files: [A, B, [[7n, "g", "x"]]], partitionBy: ["p"] },
  "optimize with a partition filter": { files: [A, B, [[7n, "g", "x"]]], partitionBy: ["p"] },
  "describe detail": { partitionBy: ["p"] },
};
/** The result fields each case's oracle kept (delta_sql.py's keep=). */
const KEEP: Record<string, (r: Row, table: string) => Row> = {
  optimize: (r) => ({ "metrics.numFilesAdded": (r.metrics as Row).numFilesAdded, "metrics.numFilesRemoved": (r.metrics as Row).numFilesRemoved }),
  "vacuum dry run": (r) => ({ path: basename(String(r.path)).slice(0, 5) }),
  vacuum: (r, table) => ({ path_is_table: r.path === table }),
  "describe history": (r) => ({ version: r.version, operation: r.operation }),
  "describe detail": (r) => ({ format: r.format, numFiles: r.numFiles, partitionColumns: r.partitionColumns }),
  "properties after unset": (r) => ({ properties: Object.fromEntries(r.properties as Map<string, string>), minReaderVersion: r.minReaderVersion, minWriterVersion: r.minWriterVersion, tableFeatures: r.tableFeatures }),
  "history of property changes": (r) => ({ version: r.version, operation: r.operation, operationParameters: Object.fromEntries(r.operationParameters as Map<string, string>) }),
};
KEEP["optimize with a partition filter"] = KEEP.optimize!;
// Byte sizes depend on the Parquet writer: the restore cases compare the file counts.
const restoreCounts = (r: Row): Row => ({ num_of_files_after_restore: r.num_of_files_after_restore, num_removed_files: r.num_removed_files, num_restored_files: r.num_restored_files });
KEEP["restore to a version"] = restoreCounts;
KEEP["restore without TABLE"] = restoreCounts;
/** Cases whose result schema Sluice does not give whole: OPTIMIZE's metrics lack Delta's z-order, clustering and DV fields; DESCRIBE's are checked elsewhere. */
const SCHEMA_DIFFERS = /optimize|history|detail|properties after unset|protocol after/;
KEEP["protocol after turning the change data feed on"] = KEEP["properties after unset"]!;

async function seed(name: string): Promise<string> {
  const path = join(base, `t${++n}`);
  const s = SEEDS[name] ?? {};
  for (const rows of s.files ?? [A, B]) {
    const w = spark.createDataFrame(rows, "id BIGINT, v STRING, p STRING").write.format("delta").mode("append");
    await (s.partitionBy ? w.partitionBy(...s.partitionBy) : w).save(path);
  }
  return path;
}

/** JSON-comparable values: bigint → number (the oracle's ints), Date → ISO text. */
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? Number(x) : x)));
const sorted = (rows: readonly Row[]): unknown[] => (plain(rows) as Row[]).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));

/** Statements as delta-spark would take them, with {t} / {path}; the last one's DataFrame. */
async function run(statements: readonly string[], path: string) {
  let df = undefined as ReturnType<typeof spark.sql> | undefined;
  for (const s of statements) {
    df = spark.sql(s.replaceAll("{t}", `delta.\`${path}\``).replaceAll("{path}", path));
    await df.collect();
  }
  return df!;
}

describe("Delta SQL statements, as delta-spark runs them", () => {
  spark.conf.set("spark.databricks.delta.retentionDurationCheck.enabled", "false");
  for (const [name, c] of Object.entries(golden.cases)) {
    it(name, async () => {
      const path = await seed(name);
      if (name.startsWith("vacuum")) {
        // the files the DELETE removes must be older than RETAIN 0 HOURS
        const old = Date.now() / 1000 - 3600;
        for (const f of readdirSync(path)) if (f.endsWith(".parquet")) utimesSync(join(path, f), old, old);
      }
      const df = await run(c.statements, path);
      const keep = KEEP[name];
      const result = (await df.collect()).map((r) => (keep ? keep(r, path) : r));
      expect(plain(result)).toEqual(name.startsWith("restore") ? c.result.map(restoreCounts) : c.result);
      if (!SCHEMA_DIFFERS.test(name)) expect(df.schema.simpleString()).toBe(c.schema);
      expect(sorted(await spark.read.format("delta").load(path).collect())).toEqual(c.rows);
    });
  }
});

describe("Delta SQL statements in Sluice", () => {
  it("ALTER TABLE SET TBLPROPERTIES turns the change data feed on: later DML writes change data, table_changes reads it", async () => {
    const path = await seed("");
    await run(["ALTER TABLE {t} SET TBLPROPERTIES (delta.enableChangeDataFeed = true)", "UPDATE {t} SET v = 'B' WHERE id = 2", "DELETE FROM {t} WHERE id = 6"], path);
    expect(readdirSync(join(path, "_change_data")).length).toBeGreaterThan(0);
    const changes = await spark.sql(`SELECT id, v, _change_type, _commit_version FROM table_changes_by_path('${path}', 3) ORDER BY _commit_version, id, _change_type`).collect();
    expect(plain(changes)).toEqual([
      { id: 2, v: "B", _change_type: "update_postimage", _commit_version: 3 },
      { id: 2, v: "b", _change_type: "update_preimage", _commit_version: 3 },
      { id: 6, v: "f", _change_type: "delete", _commit_version: 4 },
    ]);
    const named = await spark.sql(`SELECT count(*) AS n FROM table_changes('delta.\`${path}\`', 4, 4)`).collect();
    expect(plain(named)).toEqual([{ n: 1 }]);
    const [detail] = await spark.sql(`DESCRIBE DETAIL delta.\`${path}\``).collect();
    expect(detail).toMatchObject({ minReaderVersion: 1, minWriterVersion: 7 });
    expect(detail!.tableFeatures).toContain("changeDataFeed");
    await run(["ALTER TABLE {t} UNSET TBLPROPERTIES (delta.enableChangeDataFeed)"], path);
    const [after] = await spark.sql(`DESCRIBE DETAIL delta.\`${path}\``).collect();
    expect([...(after!.properties as Map<string, string>).keys()]).toEqual([]);
  });

  it("the session default spark.databricks.delta.properties.defaults.enableChangeDataFeed applies to tables a write creates", async () => {
    spark.conf.set("spark.databricks.delta.properties.defaults.enableChangeDataFeed", "true");
    try {
      const path = await seed("");
      const [detail] = await spark.sql(`DESCRIBE DETAIL delta.\`${path}\``).collect();
      expect(Object.fromEntries(detail!.properties as Map<string, string>)).toEqual({ "delta.enableChangeDataFeed": "true" });
      await run(["DELETE FROM {t} WHERE id = 1"], path);
      expect(plain(await spark.sql(`SELECT id, _change_type FROM table_changes_by_path('${path}', 2)`).collect())).toEqual([{ id: 1, _change_type: "delete" }]);
      spark.conf.set("spark.databricks.delta.properties.defaults.randomizeFilePrefixes", "true");
      const e = await errorOf(() => spark.createDataFrame([[1n]], "id BIGINT").write.format("delta").save(join(base, `t${++n}`)));
      expect(e.code).toBe("DELTA_UNSUPPORTED_TABLE_PROPERTY");
      expect(e.message).toMatch(/spark\.databricks\.delta\.properties\.defaults\.randomizeFilePrefixes/);
    } finally {
      spark.conf.unset("spark.databricks.delta.properties.defaults.enableChangeDataFeed");
      spark.conf.unset("spark.databricks.delta.properties.defaults.randomizeFilePrefixes");
    }
  });

  it("the session defaults apply to a table a streaming Delta sink creates", async () => {
    spark.conf.set("spark.databricks.delta.properties.defaults.enableChangeDataFeed", "true");
    try {
      const stream = spark.memoryStream("id BIGINT");
      const created = join(base, `t${++n}`);
      const q = await stream.toDF().writeStream.format("delta").option("checkpointLocation", join(base, `chk${n}`)).start(created);
      await stream.addData([{ id: 1n }, { id: 2n }]);
      await q.processAllAvailable();
      await q.stop();
      const [detail] = await spark.sql(`DESCRIBE DETAIL delta.\`${created}\``).collect();
      expect(Object.fromEntries(detail!.properties as Map<string, string>)).toEqual({ "delta.enableChangeDataFeed": "true" });
      expect(plain(await spark.sql(`SELECT id, _change_type FROM table_changes_by_path('${created}', 0) ORDER BY id`).collect())).toEqual([
        { id: 1, _change_type: "insert" },
        { id: 2, _change_type: "insert" },
      ]);
    } finally {
      spark.conf.unset("spark.databricks.delta.properties.defaults.enableChangeDataFeed");
    }
  });

  it("statements run in the order issued, each after the one before, without awaiting in between", async () => {
    const path = await seed("");
    const t = `delta.\`${path}\``;
    const del = spark.sql(`DELETE FROM ${t} WHERE id <= 3`);
    const upd = spark.sql(`UPDATE ${t} SET v = 'z' WHERE id >= 1`);
    expect(plain(await upd.collect())).toEqual([{ num_affected_rows: 3 }]);
    expect(plain(await del.collect())).toEqual([{ num_affected_rows: 3 }]);
    // a second action reads the same result: the command does not run again
    expect(plain(await del.collect())).toEqual([{ num_affected_rows: 3 }]);
    expect(plain(await spark.sql(`DESCRIBE HISTORY ${t}`).select("version", "operation").collect())).toEqual([
      { version: 3, operation: "UPDATE" },
      { version: 2, operation: "DELETE" },
      { version: 1, operation: "WRITE" },
      { version: 0, operation: "WRITE" },
    ]);
  });

  it("VACUUM RETAIN under the minimum needs the retention check off, as in delta-spark", async () => {
    const path = await seed("");
    spark.conf.set("spark.databricks.delta.retentionDurationCheck.enabled", "true");
    try {
      const e = await errorOf(() => spark.sql(`VACUUM delta.\`${path}\` RETAIN 0 HOURS`).collect());
      expect(e.code).toBe("DELTA_VACUUM_RETENTION_TOO_SHORT");
    } finally {
      spark.conf.set("spark.databricks.delta.retentionDurationCheck.enabled", "false");
    }
  });

  it("errors name the problem", async () => {
    const path = await seed("");
    const t = `delta.\`${path}\``;
    const cases: [() => unknown, string, RegExp][] = [
      [() => spark.sql("DELETE FROM events WHERE id = 1"), "TABLE_OR_VIEW_NOT_FOUND", /no table catalog.*delta\.`\/path\/to\/table`/],
      [() => spark.sql("DELETE FROM delta.`/nonexistent/sluice-table` WHERE id = 1"), "DELTA_TABLE_NOT_FOUND", /nonexistent/],
      [() => spark.sql(`UPDATE ${t} SET nope = 1`).collect(), "UNRESOLVED_COLUMN", /nope/],
      [() => spark.sql(`UPDATE ${t} t SET t.s.f = 1`).collect(), "DELTA_NESTED_FIELD_ASSIGNMENT", /t\.s\.f/],
      // delta-spark's error classes (golden errors): MERGE_WITHOUT_WHEN, NON_LAST_MATCHED_CLAUSE_OMIT_CONDITION, DELTA_CANNOT_RESTORE_TABLE_VERSION
      [() => spark.sql(`MERGE INTO ${t} t USING (SELECT 1L AS id) s ON t.id = s.id`), "MERGE_WITHOUT_WHEN", /at least one WHEN clause/],
      [() => spark.sql(`MERGE INTO ${t} t USING (SELECT 1L AS id, 'a' AS v, 'x' AS p) s ON t.id = s.id WHEN MATCHED THEN DELETE WHEN MATCHED THEN UPDATE SET *`), "NON_LAST_MATCHED_CLAUSE_OMIT_CONDITION", /only the last may omit/],
      [() => spark.sql(`MERGE INTO ${t} t USING (SELECT 1L AS id) s ON t.id = s.id WHEN NOT MATCHED BY SOURCE THEN INSERT *`), "PARSE_SYNTAX_ERROR", /UPDATE SET column = value or DELETE/],
      [() => spark.sql(`RESTORE TABLE ${t} TO VERSION AS OF 9`).collect(), "DELTA_CANNOT_RESTORE_TABLE_VERSION", /9/],
      [() => spark.sql(`VACUUM ${t} RETAIN -1 HOURS`).collect(), "DELTA_VACUUM_RETENTION_INVALID", /-1/],
      [() => spark.sql("OPTIMIZE delta.`/t` ZORDER BY (id)"), "UNSUPPORTED_FEATURE", /ZORDER BY/],
      [() => spark.sql(`ALTER TABLE ${t} SET TBLPROPERTIES (delta.nonsense = 1)`).collect(), "DELTA_UNKNOWN_CONFIGURATION", /delta\.nonsense/],
      [() => spark.sql(`ALTER TABLE ${t} SET TBLPROPERTIES (delta.randomizeFilePrefixes = true)`).collect(), "DELTA_UNSUPPORTED_TABLE_PROPERTY", /not acted on/],
      [() => spark.sql(`ALTER TABLE ${t} SET TBLPROPERTIES (delta.enableChangeDataFeed = 'yes')`).collect(), "DELTA_INVALID_TABLE_PROPERTY_VALUE", /true or false/],
      [() => spark.sql(`SELECT * FROM table_changes('events', 0)`).collect(), "TABLE_OR_VIEW_NOT_FOUND", /table_changes_by_path/],
      [() => spark.sql(`SELECT * FROM table_changes_by_path('${path}', x)`).collect(), "INVALID_SQL_ARG", /version .* or a timestamp/],
    ];
    for (const [f, code, message] of cases) {
      const e = await errorOf(f);
      expect(e.code, message.source).toBe(code);
      expect(e.message).toMatch(message);
    }
    // delta-spark skips a property the table does not have, IF EXISTS or not (golden: "unset a missing property")
    expect(await spark.sql(`ALTER TABLE ${t} UNSET TBLPROPERTIES ('nope')`).collect()).toEqual([]);
    expect(golden.errors["unset a missing property"]).toBeNull();
  });

  it("a statement that fails before anything reads its result logs the error; a later action still rejects with it", async () => {
    const path = await seed("");
    const warnings: string[] = [];
    setLogger({ info: () => {}, warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m) });
    try {
      const df = spark.sql(`UPDATE delta.\`${path}\` SET nope = 1`);
      await spark.sql(`DESCRIBE DETAIL delta.\`${path}\``).collect(); // runs after the UPDATE has settled
      expect(warnings.some((w) => /UPDATE on .* failed: .*nope/.test(w))).toBe(true);
      expect((await errorOf(() => df.collect())).code).toBe("UNRESOLVED_COLUMN");
    } finally {
      setLogger(null);
    }
  });

  it("sluice run runs a pipeline's Delta statements in order, before the statements after them", async () => {
    const path = await seed("");
    const input = mkdtempSync(join(tmpdir(), "sluice-delta-sql-in-"));
    const text = [
      `DELETE FROM delta.\`${path}\` WHERE id > 1`,
      `ALTER TABLE delta.\`${path}\` SET TBLPROPERTIES (delta.appendOnly = true)`,
      `INSERT INTO delta.\`${path}\` WITH ('checkpointLocation' = '${join(input, "chk")}', 'trigger' = 'availableNow') SELECT * FROM STREAM read_files('${input}', format => 'json', schema => 'id BIGINT, v STRING, p STRING')`,
    ].join(";\n");
    const [q] = await startSqlPipeline(spark, text, "pipeline.sql");
    await q!.awaitTermination();
    expect(plain(await spark.read.format("delta").load(path).collect())).toEqual([{ id: 1, v: "a", p: "x" }]);
    const e = await errorOf(() => spark.sql(`DELETE FROM delta.\`${path}\``).collect());
    expect(e.message).toMatch(/append/i);
  });

  it("SQL names a Delta table by path in queries too: SELECT FROM and MERGE USING delta.`path`", async () => {
    const target = await seed("");
    const source = join(base, `t${++n}`);
    await spark.createDataFrame([[2n, "B", "x"], [9n, "I", "y"]], "id BIGINT, v STRING, p STRING").write.format("delta").save(source);
    const merged = spark.sql(`MERGE INTO delta.\`${target}\` t USING delta.\`${source}\` s ON t.id = s.id WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *`);
    expect(plain(await merged.collect())).toEqual([{ num_affected_rows: 2, num_updated_rows: 1, num_deleted_rows: 0, num_inserted_rows: 1 }]);
    expect(plain(await spark.sql(`SELECT id, v FROM delta.\`${target}\` WHERE id IN (2, 9) ORDER BY id`).collect())).toEqual([{ id: 2, v: "B" }, { id: 9, v: "I" }]);
  });
});
