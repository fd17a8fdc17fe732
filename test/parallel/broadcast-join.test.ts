/**
 * Broadcast hash joins under local[N] (issue 15): the right side of an inner, left outer, left
 * semi or left anti equi-join is collected once and sent to every worker, which builds its table
 * once and probes the left side's scan pieces. Random rows (nulls and duplicates in the keys,
 * null-safe keys, a residual condition), piece sizes and thread counts give local[1]'s rows;
 * spark.sql.autoBroadcastJoinThreshold keeps a larger build side (and -1 every one) on the main
 * thread; a worker dying during a piece fails the query with PARTITION_WORKER_FAILED.
 */
import { availableParallelism } from "node:os";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Session } from "../../src/index.js";
import { partitionWorkers } from "../../src/parallel/partition-workers.js";
import { RuntimeConfig } from "../../src/session/runtime-config.js";
import { endWorkersOnFirst } from "./end-workers.js";

const session = (master: string, pieceBytes: number, conf: Record<string, string> = {}): Session =>
  new Session(new RuntimeConfig({ "spark.master": master, "spark.sql.session.timeZone": "UTC", "sluice.execution.parallelScan.minBytes": "0", "sluice.execution.parallelScan.pieceBytes": String(pieceBytes), ...conf }));

const json = (v: unknown): string => JSON.stringify(v, (_, x) => (typeof x === "bigint" ? `${x}n` : x));

async function rowsOf(s: Session, sql: string, sorted: boolean): Promise<string[]> {
  const rows = (await s.sql(sql).collect()).map(json);
  return sorted ? rows.sort() : rows;
}

const key = fc.option(fc.integer({ min: 0, max: 6 }), { nil: null, freq: 6 });
const side = (n: number) => fc.array(fc.tuple(key, fc.option(fc.string({ maxLength: 3 }), { nil: null, freq: 5 })), { minLength: 0, maxLength: n, size: "medium" });

const JOINS: [string, string][] = [
  ["inner", "SELECT l.id, l.k, l.s, r.k AS rk, r.s AS rs FROM l JOIN r ON l.k = r.k"],
  ["inner, condition", "SELECT l.id, r.s AS rs FROM l JOIN r ON l.k = r.k AND coalesce(l.s, '') < coalesce(r.s, 'zz')"],
  ["inner, null-safe", "SELECT l.id, r.k FROM l JOIN r ON l.k <=> r.k"],
  ["left outer", "SELECT l.id, l.k, r.s AS rs FROM l LEFT JOIN r ON l.k = r.k AND r.s IS NOT NULL"],
  ["left semi", "SELECT * FROM l LEFT SEMI JOIN r ON l.k = r.k"],
  ["left anti", "SELECT * FROM l LEFT ANTI JOIN r ON l.k = r.k"],
  ["filtered probe", "SELECT l.id, upper(r.s) AS u FROM (SELECT * FROM l WHERE id % 3 <> 0) l JOIN r ON l.k + 1 = r.k + 1"],
];

function load(s: Session, left: readonly (readonly [number | null, string | null])[], right: readonly (readonly [number | null, string | null])[]): void {
  s.createDataFrame(left.map(([k, v], i) => [i, k, v]), "id INT, k INT, s STRING").createOrReplaceTempView("l");
  s.createDataFrame(right.map(([k, v]) => [k, v]), "k INT, s STRING").createOrReplaceTempView("r");
}

describe("broadcast hash joins in local[N] workers", () => {
  it("random rows, keys with nulls, pieces and threads give local[1]'s rows for every broadcastable join", async () => {
    await fc.assert(
      fc.asyncProperty(side(120), side(12), fc.integer({ min: 2, max: 3 }), fc.integer({ min: 16, max: 200 }), async (left, right, threads, pieceBytes) => {
        const one = session("local[1]", pieceBytes);
        const many = session(`local[${threads}]`, pieceBytes);
        load(one, left, right);
        load(many, left, right);
        for (const [name, sql] of JOINS) {
          expect(many.sql(sql).explainString()).toMatch(/BroadcastHashJoinExec: .*BuildRight[\s\S]*BroadcastExchangeExec/);
          // A left outer join emits each chunk's unmatched rows after its matches, so its order follows piece boundaries; the other joins keep the probe order.
          const sorted = name === "left outer";
          expect(await rowsOf(many, sql, sorted), `${name}, ${threads} threads, ${pieceBytes}-byte pieces`).toEqual(await rowsOf(one, sql, sorted));
        }
      }),
      {
        numRuns: 6,
        seed: 15,
        // null keys on both sides, which only a null-safe key matches
        examples: [[Array.from({ length: 40 }, (_, i) => [i % 5 === 0 ? null : i % 4, i % 3 ? `v${i % 6}` : null] as [number | null, string | null]), [[null, "a"], [1, "b"], [2, null], [null, "c"], [1, "d"]], 2, 40]],
      },
    );
  }, 120_000);

  it("spark.sql.autoBroadcastJoinThreshold: a build side over it, or -1, joins on the main thread; sizes such as 10MB are read, others refused", async () => {
    const left = Array.from({ length: 200 }, (_, i) => [i % 9, `v${i}`] as const);
    const right = Array.from({ length: 40 }, (_, i) => [i % 7, `w${i}`] as const);
    const sql = JOINS[0]![1];
    const one = session("local[1]", 64);
    load(one, left, right);
    const expected = await rowsOf(one, sql, false);
    const pool = partitionWorkers(2);
    const request = pool.request.bind(pool);
    const sent: string[] = [];
    pool.request = ((w, m, t) => {
      sent.push(m.t);
      return request(w, m, t);
    }) as typeof request;
    try {
      // the build side: 40 INTs (160 bytes + validity) and 40 three-character strings (240 bytes)
      for (const [threshold, broadcast] of [["10MB", true], ["1k", true], ["100", false], ["-1", false]] as const) {
        sent.length = 0;
        const two = session("local[2]", 64, { "spark.sql.autoBroadcastJoinThreshold": threshold });
        load(two, left, right);
        expect(await rowsOf(two, sql, false), threshold).toEqual(expected);
        expect(sent.includes("join.broadcast"), threshold).toBe(broadcast);
        expect(sent.filter((t) => t === "scan.join").length > 1, threshold).toBe(broadcast);
      }
    } finally {
      Reflect.deleteProperty(pool, "request");
    }
    expect(() => session("local[2]", 64, { "spark.sql.autoBroadcastJoinThreshold": "ten" })).toThrow(expect.objectContaining({ code: "INVALID_CONF_VALUE" }));
  }, 60_000);

  it("explain() shows BroadcastHashJoinExec only for joins that may broadcast their right side over a scan chain", () => {
    const two = session("local[2]", 64);
    load(two, [[1, "a"]], [[1, "b"]]);
    expect(two.sql("SELECT * FROM l RIGHT JOIN r ON l.k = r.k").explainString()).not.toContain("Broadcast");
    expect(two.sql("SELECT * FROM l FULL JOIN r ON l.k = r.k").explainString()).not.toContain("Broadcast");
    expect(two.sql("SELECT * FROM (SELECT k, count(*) AS c FROM l GROUP BY k) l JOIN r ON l.k = r.k").explainString()).not.toContain("Broadcast");
    const one = session("local[1]", 64);
    load(one, [[1, "a"]], [[1, "b"]]);
    expect(one.sql(JOINS[0]![1]).explainString()).not.toContain("Broadcast");
  });

  it("the default local[*] broadcasts only on more than 2 cores (measured no faster than one thread on 2), as it places streaming state", () => {
    const all = session("local[*]", 64);
    load(all, [[1, "a"]], [[1, "b"]]);
    const plan = all.sql(JOINS[0]![1]).explainString();
    if (availableParallelism() <= 2) expect(plan).not.toContain("BroadcastHashJoinExec");
    else expect(plan).toContain("BroadcastHashJoinExec");
    const window = all.sql("SELECT k, row_number() OVER (PARTITION BY k ORDER BY id) AS n FROM l").explainString();
    expect(window).toContain(availableParallelism() <= 2 ? "WindowExec" : "ParallelWindowExec");
    if (availableParallelism() <= 2) expect(window).not.toContain("ParallelWindowExec");
  });

  it("a worker thread dying during a probe piece fails the query with PARTITION_WORKER_FAILED; the next query runs", async () => {
    const left = Array.from({ length: 300 }, (_, i) => [i % 11, `v${i}`] as const);
    const right = Array.from({ length: 20 }, (_, i) => [i % 5, `w${i}`] as const);
    const one = session("local[1]", 64);
    const two = session("local[2]", 64);
    load(one, left, right);
    load(two, left, right);
    const sql = JOINS[0]![1];
    const end = endWorkersOnFirst(2, "scan.join");
    await expect(two.sql(sql).collect()).rejects.toMatchObject({ code: "PARTITION_WORKER_FAILED" });
    await end.ended();
    expect(end.sent(), "the query sent a probe piece").toBe(true);
    expect(await rowsOf(two, sql, false)).toEqual(await rowsOf(one, sql, false));
  }, 60_000);
});
