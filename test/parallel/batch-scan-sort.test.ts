/**
 * Batch scans and sorts under local[N] (issue 15): a result that is a filter/project chain over a
 * scan runs per piece in the worker threads and comes back in piece order; a sort over such a
 * chain sorts each piece in the workers and merges on the main thread. Both give local[1]'s rows
 * in local[1]'s order — ties of the stable sort, nulls first/last, NaN and -0.0 included — for
 * random rows, piece sizes and thread counts, over in-memory rows and one Parquet file cut by row
 * group; a write gives local[1]'s files' rows; a failing piece fails with its error, and a worker
 * thread dying during a piece fails the query with PARTITION_WORKER_FAILED.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SluiceError, Session } from "../../src/index.js";
import { writeParquetRowGroups } from "../../src/connectors/files/test-support.js";
import { partitionWorkers } from "../../src/parallel/partition-workers.js";
import { RuntimeConfig } from "../../src/session/runtime-config.js";

const session = (master: string, pieceBytes: number): Session =>
  new Session(new RuntimeConfig({ "spark.master": master, "spark.sql.session.timeZone": "UTC", "sluice.execution.parallelScan.minBytes": "0", "sluice.execution.parallelScan.pieceBytes": String(pieceBytes) }));

const SCHEMA = "k INT, n BIGINT, x DOUBLE, s STRING";

function randomRows(seed: number): Record<string, unknown>[] {
  const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const keys = 1 + Math.floor(random() * 8);
  const doubles = [Number.NaN, -0, 0, 1.5, -2.25, Number.POSITIVE_INFINITY];
  return Array.from({ length: 50 + Math.floor(random() * 400) }, (_, i) => ({
    k: random() < 0.1 ? null : Math.floor(random() * keys),
    n: BigInt(i),
    x: random() < 0.1 ? null : random() < 0.3 ? doubles[Math.floor(random() * doubles.length)]! : Math.floor(random() * 16) / 4,
    s: random() < 0.1 ? null : `s${Math.floor(random() * 5)}`,
  }));
}

const QUERIES = [
  "SELECT k, n, s FROM t WHERE k IS NULL OR k % 3 <> 1",
  "SELECT n, upper(s) AS u, x * 2 AS x2 FROM t",
  // many ties: the stable order of the input decides
  "SELECT * FROM t ORDER BY k",
  "SELECT * FROM t ORDER BY k DESC NULLS FIRST",
  "SELECT k, s, n FROM t WHERE n % 4 <> 0 ORDER BY s DESC, k ASC NULLS LAST",
  "SELECT x, n FROM t ORDER BY x",
  "SELECT x, n FROM t ORDER BY x DESC NULLS LAST",
];

const json = (v: unknown): string => JSON.stringify(v, (_, x) => (typeof x === "bigint" ? `${x}n` : typeof x === "number" && !Number.isFinite(x) ? String(x) : Object.is(x, -0) ? "-0" : x));

async function rowsOf(s: Session, sql: string): Promise<string> {
  return (await s.sql(sql).collect()).map(json).join("\n");
}

describe("batch scans and sorts in local[N] workers", () => {
  it("random rows (in memory and one Parquet file by row group), pieces and threads give local[1]'s rows in its order", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sluice-par-scan-"));
    for (let seed = 1; seed <= 4; seed++) {
      const rows = randomRows(seed * 7919);
      const path = join(dir, `t${seed}.parquet`);
      writeParquetRowGroups(path, SCHEMA, rows, 20 + 7 * seed);
      const pieceBytes = 30 * seed * (seed % 2 === 0 ? 1 : 7);
      const threads = 2 + (seed % 2);
      const sources: [string, (s: Session) => void][] = [
        ["memory", (s) => s.createDataFrame(rows.map((r) => [r.k, r.n, r.x, r.s]), SCHEMA).createOrReplaceTempView("t")],
        ["parquet", (s) => s.read.parquet(path).createOrReplaceTempView("t")],
      ];
      for (const [name, load] of sources) {
        const one = session("local[1]", pieceBytes);
        const many = session(`local[${threads}]`, pieceBytes);
        load(one);
        load(many);
        for (const sql of QUERIES) {
          expect(many.sql(sql).explainString(), sql).toMatch(sql.includes("ORDER BY") ? /ParallelSortExec: .*each scan piece sorted in local\[\d\] workers, merged here/ : /ParallelScanExec: the plan below per scan piece in local\[\d\] workers, rows in piece order/);
          expect(await rowsOf(many, sql), `seed ${seed}, ${name}, ${threads} threads, ${pieceBytes}-byte pieces: ${sql}`).toBe(await rowsOf(one, sql));
        }
      }
    }
  }, 240_000);

  it("a write from local[2] holds local[1]'s rows, in its order", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sluice-par-write-"));
    const rows = randomRows(31337);
    writeParquetRowGroups(join(dir, "in.parquet"), SCHEMA, rows, 25);
    for (const master of ["local[1]", "local[2]"]) {
      const s = session(master, 100);
      await s.read.parquet(join(dir, "in.parquet")).filter("k IS NOT NULL").select("n", "s").write.json(join(dir, master === "local[1]" ? "one" : "two"));
    }
    const reader = session("local[1]", 1 << 30);
    const back = async (master: string): Promise<string> => (await reader.read.schema("n BIGINT, s STRING").json(join(dir, master)).collect()).map(json).join("\n");
    expect(await back("two")).toBe(await back("one"));
  }, 60_000);

  it("a piece that fails in a worker fails the scan and the sort with the reader's error", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sluice-par-scan-bad-"));
    writeFileSync(join(dir, "a.json"), '{"k": 1}\n{"k": 2}\n');
    writeFileSync(join(dir, "b.json"), '{"k": 3}\n{"k": \n');
    for (const sort of [false, true]) {
      const errorOf = async (master: string): Promise<SluiceError> => {
        const df = session(master, 1).read.schema("k INT").option("mode", "FAILFAST").json(dir).filter("k > 0");
        const q = sort ? df.orderBy("k") : df;
        if (master !== "local[1]") expect(q.explainString()).toContain(sort ? "ParallelSortExec" : "ParallelScanExec");
        return q.collect().then(
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
    }
  }, 60_000);

  it("a worker thread dying during a batch piece fails the query with PARTITION_WORKER_FAILED; the next query runs", async () => {
    const rows = randomRows(99).map((r) => [r.k, r.n, r.x, r.s]);
    const one = session("local[1]", 64);
    const two = session("local[2]", 64);
    one.createDataFrame(rows, SCHEMA).createOrReplaceTempView("t");
    two.createDataFrame(rows, SCHEMA).createOrReplaceTempView("t");
    const pool = partitionWorkers(2);
    const request = pool.request.bind(pool);
    for (const sql of ["SELECT k, count(*) AS c FROM t GROUP BY k", "SELECT * FROM t ORDER BY x", "SELECT * FROM t WHERE k > 1"]) {
      // the threads end right after the query's first piece is sent, while it is in flight
      let ended: Promise<void> | undefined;
      pool.request = ((...args: Parameters<typeof request>) => {
        Reflect.deleteProperty(pool, "request");
        const r = request(...args);
        ended = pool.terminate();
        return r;
      }) as typeof request;
      await expect(two.sql(sql).collect(), sql).rejects.toMatchObject({ code: "PARTITION_WORKER_FAILED" });
      await ended;
      expect(Object.hasOwn(pool, "request"), "the query sent a piece").toBe(false);
      expect(await rowsOf(two, sql), sql).toBe(await rowsOf(one, sql));
    }
  }, 60_000);

  it("explain() shows the parallel plans only where the chain can run in a worker", () => {
    const spark = session("local[2]", 64);
    spark.createDataFrame([[1, 2]], "a INT, b INT").createOrReplaceTempView("t");
    expect(spark.sql("SELECT a FROM t WHERE b > 0").explainString()).toContain("ParallelScanExec");
    expect(spark.sql("SELECT a, rand(1) AS r FROM t").explainString()).not.toContain("Parallel");
    expect(spark.sql("SELECT a FROM t LIMIT 1").explainString()).not.toContain("Parallel");
    expect(spark.sql("SELECT x.a FROM t x JOIN t y ON x.a = y.a ORDER BY x.a").explainString()).not.toContain("Parallel");
    const one = session("local[1]", 64);
    one.createDataFrame([[1, 2]], "a INT, b INT").createOrReplaceTempView("t");
    expect(one.sql("SELECT a FROM t WHERE b > 0 ORDER BY a").explainString()).not.toContain("Parallel");
  });
});
