/**
 * Window functions under local[N] (issue 15): calls sharing one PARTITION BY run per partition in
 * the worker threads after the rows are hash-partitioned by the keys, and the result is local[1]'s
 * rows in local[1]'s order, for random rows (null keys, ties in the order, ranking, offset, frame
 * and whole-partition aggregates, two orders over one partitioning). A window without PARTITION BY
 * stays on one thread; a worker dying fails the query with PARTITION_WORKER_FAILED.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Session } from "../../src/index.js";
import { RuntimeConfig } from "../../src/session/runtime-config.js";
import { endWorkersOnFirst } from "./end-workers.js";

const session = (master: string): Session => new Session(new RuntimeConfig({ "spark.master": master, "spark.sql.session.timeZone": "UTC", "sluice.execution.parallelScan.minBytes": "0", "sluice.execution.batchSize": "7" }));

const json = (v: unknown): string => JSON.stringify(v, (_, x) => (typeof x === "bigint" ? `${x}n` : x));

async function rowsOf(s: Session, sql: string): Promise<string[]> {
  return (await s.sql(sql).collect()).map(json);
}

const QUERIES = [
  "SELECT id, k, row_number() OVER (PARTITION BY k ORDER BY o) AS rn FROM t",
  "SELECT *, rank() OVER (PARTITION BY k ORDER BY o DESC) AS r, dense_rank() OVER (PARTITION BY k ORDER BY o DESC) AS d FROM t",
  "SELECT id, sum(v) OVER (PARTITION BY k ORDER BY o, id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS s, lag(v, 1) OVER (PARTITION BY k ORDER BY o, id) AS prev FROM t",
  "SELECT id, count(*) OVER (PARTITION BY k) AS n, max(s) OVER (PARTITION BY k) AS m FROM t",
  "SELECT id, sum(v) OVER (PARTITION BY k % 3, s ORDER BY o RANGE BETWEEN 2 PRECEDING AND CURRENT ROW) AS r FROM t",
  "SELECT id, first(v) OVER (PARTITION BY k ORDER BY id) AS f, row_number() OVER (PARTITION BY k ORDER BY o DESC, id) AS rn FROM t",
];

const row = fc.tuple(fc.option(fc.integer({ min: 0, max: 5 }), { nil: null, freq: 6 }), fc.integer({ min: 0, max: 4 }), fc.option(fc.integer({ min: -9, max: 9 }), { nil: null, freq: 6 }), fc.option(fc.constantFrom("a", "b"), { nil: null, freq: 6 }));

function load(s: Session, rows: readonly (readonly [number | null, number, number | null, string | null])[]): void {
  s.createDataFrame(rows.map(([k, o, v, str], i) => [i, k, o, v, str]), "id INT, k INT, o INT, v BIGINT, s STRING").createOrReplaceTempView("t");
}

describe("window functions in local[N] workers", () => {
  it("random rows and thread counts give local[1]'s rows in its order", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 90, size: "medium" }), fc.integer({ min: 2, max: 3 }), fc.integer({ min: 0, max: QUERIES.length - 1 }), async (rows, threads, q) => {
        const sql = QUERIES[q]!;
        const one = session("local[1]");
        const many = session(`local[${threads}]`);
        load(one, rows);
        load(many, rows);
        expect(many.sql(sql).explainString()).toMatch(/ParallelWindowExec: .*each partition in local\[\d\] workers\n\s*\+- ShuffleExchangeExec: Exchange hashpartitioning\(/);
        expect(await rowsOf(many, sql), `${threads} threads: ${sql}`).toEqual(await rowsOf(one, sql));
      }),
      { numRuns: 10, seed: 44 },
    );
  }, 120_000);

  it("a window without PARTITION BY, or with two partitionings, stays on one thread", () => {
    const two = session("local[2]");
    load(two, [[1, 1, 1, "a"]]);
    expect(two.sql("SELECT id, row_number() OVER (ORDER BY o) AS rn FROM t").explainString()).not.toMatch(/ParallelWindowExec|Exchange/);
    expect(two.sql("SELECT id, count(*) OVER (PARTITION BY k) AS a, count(*) OVER (PARTITION BY s) AS b FROM t").explainString()).not.toContain("ParallelWindowExec");
  });

  it("a worker thread dying during a window fails the query with PARTITION_WORKER_FAILED; the next query runs", async () => {
    const rows = Array.from({ length: 200 }, (_, i) => [i % 13, i % 5, i, i % 2 ? "a" : null] as const);
    const one = session("local[1]");
    const two = session("local[2]");
    load(one, rows);
    load(two, rows);
    const sql = QUERIES[1]!;
    const end = endWorkersOnFirst(2, "window.partitions");
    await expect(two.sql(sql).collect()).rejects.toMatchObject({ code: "PARTITION_WORKER_FAILED" });
    await end.ended();
    expect(end.sent(), "the query sent rows to a worker").toBe(true);
    expect(await rowsOf(two, sql)).toEqual(await rowsOf(one, sql));
  }, 60_000);
});
