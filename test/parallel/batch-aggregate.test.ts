/**
 * Batch aggregation under local[N] (issue 15): partial aggregates per scan piece in the worker
 * threads, merged on the main thread, give what local[1] gives — for random rows, random piece
 * sizes and thread counts, over in-memory rows and over files (JSON cut into byte ranges, CSV,
 * Parquet by file and by row group); a piece that fails fails the query with its error;
 * explain() shows which plans run in the workers and why the others do not.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SluiceError, Session } from "../../src/index.js";
import { parquetRowGroupBytes } from "../../src/connectors/files/parquet-format.js";
import { writeParquetRowGroups } from "../../src/connectors/files/test-support.js";
import { RuntimeConfig } from "../../src/session/runtime-config.js";

const session = (master: string, pieceBytes: number): Session =>
  new Session(new RuntimeConfig({ "spark.master": master, "spark.sql.session.timeZone": "UTC", "sluice.execution.parallelScan.minBytes": "0", "sluice.execution.parallelScan.pieceBytes": String(pieceBytes) }));

const QUERY = `SELECT k, count(*) AS c, count(n) AS cn, sum(n) AS s, sum(d) AS sd, avg(d) AS ad, min(x) AS mi, max(s) AS ms,
  count(DISTINCT s) AS ds, sum(DISTINCT n) AS sdn, first(n) AS f, last(s) AS l, collect_list(n) AS cl,
  count(*) FILTER (WHERE n > 0) AS pos, avg(x) AS ax
  FROM t WHERE n IS NULL OR n % 7 <> 3 GROUP BY k`;

const ROLLUP = "SELECT k, s, count(*) AS c, sum(n) AS total FROM t GROUP BY ROLLUP(k, s)";
const GLOBAL = "SELECT count(*) AS c, sum(n) AS s, count(DISTINCT k) AS dk FROM t WHERE n > 100000";

function randomRows(seed: number): unknown[][] {
  const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const keys = 1 + Math.floor(random() * 30);
  return Array.from({ length: Math.floor(random() * 400) }, () => [
    random() < 0.05 ? null : Math.floor(random() * keys),
    random() < 0.1 ? null : BigInt(Math.floor(random() * 2e6) - 1e6) * 1000003n,
    random() < 0.1 ? null : `${(Math.floor(random() * 2e6) - 1e6) / 100}`,
    random() < 0.1 ? null : Math.floor(random() * 64) / 4,
    random() < 0.1 ? null : `s${Math.floor(random() * 12)}`,
  ]);
}

const SCHEMA = "k INT, n BIGINT, d DECIMAL(20,2), x DOUBLE, s STRING";
const json = (v: unknown): string => JSON.stringify(v, (_, x) => (typeof x === "bigint" ? `${x}n` : x));

/** The rows as JSON; with grouping sets sorted, as their order follows the batches the input comes in (one thread with smaller batches orders them differently too). */
async function answers(master: string, pieceBytes: number, rows: unknown[][], sql: string): Promise<string> {
  const spark = session(master, pieceBytes);
  spark.createDataFrame(rows, SCHEMA).createOrReplaceTempView("t");
  const out = (await spark.sql(sql).collect()).map(json);
  return (sql === ROLLUP ? out.sort() : out).join("\n");
}

describe("batch aggregation in local[N] workers", () => {
  it("random rows, pieces and threads give local[1]'s rows, in local[1]'s order", async () => {
    for (let seed = 1; seed <= 6; seed++) {
      const rows = randomRows(seed * 7919);
      const pieceBytes = 40 * (1 + (seed % 4)) * (seed % 2 === 0 ? 1 : 25);
      const threads = 2 + (seed % 2);
      for (const sql of [QUERY, ROLLUP, GLOBAL]) {
        const one = await answers("local[1]", pieceBytes, rows, sql);
        expect(await answers(`local[${threads}]`, pieceBytes, rows, sql), `seed ${seed}, ${threads} threads, ${pieceBytes}-byte pieces: ${sql.slice(0, 40)}`).toBe(one);
      }
    }
  }, 120_000);

  it("files (JSON lines cut into byte ranges, CSV, Parquet) give local[1]'s rows", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sluice-par-agg-"));
    const rows = randomRows(4242);
    const lines = rows.map((r) => JSON.stringify({ k: r[0], n: r[1] === null ? null : Number(r[1]), s: r[4] }));
    writeFileSync(join(dir, "a.json"), lines.slice(0, 150).join("\n") + "\n");
    writeFileSync(join(dir, "b.json"), lines.slice(150).join("\n") + "\n");
    writeFileSync(join(dir, "a.csv"), rows.map((r) => `${r[0] ?? ""},${r[4] ?? ""}`).join("\n") + "\n");
    const one = session("local[1]", 256);
    // three Parquet files (a piece each)
    for (let f = 0; f < 3; f++) await one.createDataFrame(rows.filter((_, i) => i % 3 === f), SCHEMA).write.mode("append").parquet(join(dir, "pq"));
    const queries: [string, (s: Session) => void][] = [
      ["json", (s) => s.read.schema("k INT, n BIGINT, s STRING").json(join(dir, "*.json")).createOrReplaceTempView("t")],
      ["csv", (s) => s.read.schema("k INT, s STRING").csv(join(dir, "a.csv")).createOrReplaceTempView("t")],
      ["parquet", (s) => s.read.parquet(join(dir, "pq")).createOrReplaceTempView("t")],
    ];
    for (const [name, load] of queries) {
      const sql = "SELECT k, count(*) AS c, count(DISTINCT s) AS ds, first(s) AS f, collect_list(s) AS l FROM t GROUP BY k";
      load(one);
      const expected = json(await one.sql(sql).collect());
      const two = session("local[2]", 256);
      load(two);
      expect(two.sql(sql).explainString(), name).toContain("ParallelAggregateExec");
      expect(json(await two.sql(sql).collect()), name).toBe(expected);
    }
  }, 120_000);

  it("one Parquet file cut into pieces by row group gives local[1]'s rows", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sluice-par-agg-rg-"));
    for (let seed = 1; seed <= 3; seed++) {
      const rows = randomRows(seed * 104729);
      const path = join(dir, `t${seed}.parquet`);
      writeParquetRowGroups(path, SCHEMA, rows.map((r) => ({ k: r[0], n: r[1], d: r[2], x: r[3], s: r[4] })), 10 + seed * 13);
      const groups = (await parquetRowGroupBytes(path)).length;
      expect(groups).toBeGreaterThan(3);
      const pieceBytes = 100 * seed;
      const threads = 1 + seed;
      const load = (s: Session): Session => {
        s.read.parquet(path).createOrReplaceTempView("t");
        return s;
      };
      for (const sql of [QUERY, GLOBAL]) {
        const one = json(await load(session("local[1]", pieceBytes)).sql(sql).collect());
        const many = load(session(`local[${threads}]`, pieceBytes)).sql(sql);
        expect(many.explainString()).toContain("ParallelAggregateExec");
        expect(json(await many.collect()), `seed ${seed}, ${groups} row groups, ${threads} threads, ${pieceBytes}-byte pieces: ${sql.slice(0, 40)}`).toBe(one);
      }
    }
  }, 120_000);

  it("a piece that fails in a worker fails the query with the reader's error", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sluice-par-agg-bad-"));
    writeFileSync(join(dir, "a.json"), '{"k": 1}\n{"k": 2}\n');
    writeFileSync(join(dir, "b.json"), '{"k": 3}\n{"k": \n');
    const errorOf = async (master: string): Promise<SluiceError> => {
      const spark = session(master, 1);
      const df = spark.read.schema("k INT").option("mode", "FAILFAST").json(dir).groupBy("k").count();
      expect(df.explainString()).toContain(master === "local[1]" ? "HashAggregateExec" : "ParallelAggregateExec");
      return df.collect().then(
        () => {
          throw new Error("the query should fail");
        },
        (e: unknown) => e as SluiceError,
      );
    };
    const one = await errorOf("local[1]");
    const two = await errorOf("local[2]");
    expect(two).toBeInstanceOf(SluiceError);
    expect([two.code, two.message]).toEqual([one.code, one.message]);
    expect(two.message).toContain("b.json");
  }, 60_000);

  it("explain() names the parallel plan, and says why a plan stays on one thread", () => {
    const spark = session("local[2]", 64);
    spark.createDataFrame([[1, 2]], "a INT, b INT").createOrReplaceTempView("t");
    expect(spark.sql("SELECT a, sum(b) FROM t WHERE b > 0 GROUP BY a").explainString()).toMatch(/ParallelAggregateExec: keys=\[a#0\], aggs=\[sum\(b\)\], partial per scan piece in local\[2\] workers/);
    expect(spark.sql("SELECT a, sum(r) FROM (SELECT a, rand(1) AS r FROM t) GROUP BY a").explainString()).toMatch(/HashAggregateExec: keys=\[a#\d+\], aggs=\[sum\(r\)\] \(one thread: rand is nondeterministic/);
    expect(spark.sql("SELECT x.a, count(*) FROM t x JOIN t y ON x.a = y.a GROUP BY x.a").explainString()).toContain("(one thread: its input is not a scan under filters and projections (join))");
    expect(session("local[1]", 64).sql("SELECT 1 AS a").groupBy("a").count().explainString()).not.toContain("one thread");
  });
});
