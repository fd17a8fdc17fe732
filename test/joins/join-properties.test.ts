/**
 * Property: an inner and a left outer stream–stream join over random streams, cut into random
 * micro-batches, equal the batch join of the same rows once the watermark has passed every row
 * (DESIGN.md §4). Each side's event times only move forward, with jitter below the watermark
 * delay, so no row is late; a final row per side, on a key no other row has, moves the
 * watermark past everything else (it is then left out of the comparison).
 */
import { describe, expect, it } from "vitest";
import { Session, expr } from "../../src/index.js";
import { canonicalRow } from "../../src/testing/stream-test.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const BASE = Date.UTC(2024, 0, 1);
const ON = "lk = rk AND rt BETWEEN lt - INTERVAL 5 SECONDS AND lt + INTERVAL 5 SECONDS";

/** mulberry32: a small seeded generator, so a failing seed can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Row = Record<string, unknown>;

function sideRows(rand: () => number, key: string, time: string, tag: string, n: number): Row[] {
  let t = 0;
  return Array.from({ length: n }, (_, i) => {
    t += Math.floor(rand() * 4000);
    const jitter = Math.floor(rand() * 3000); // below the 10 s delay: never late
    return { [key]: Math.floor(rand() * 4), [time]: new Date(BASE + Math.max(0, t - jitter)), [tag]: i };
  });
}

/** Cut rows into 1..5 consecutive chunks. */
function chunks<T>(rand: () => number, rows: readonly T[]): T[][] {
  const cuts = new Set<number>();
  const k = 1 + Math.floor(rand() * 5);
  for (let i = 0; i < k; i++) cuts.add(Math.floor(rand() * rows.length));
  const sorted = [...cuts, rows.length].sort((a, b) => a - b);
  let from = 0;
  return sorted.map((to) => {
    const c = rows.slice(from, to);
    from = to;
    return c;
  });
}

describe("stream-stream join = batch join once the watermark passed everything", () => {
  for (const how of ["inner", "left_outer"] as const) {
    it(`${how}: random streams and micro-batches`, async () => {
      for (let seed = 1; seed <= 3; seed++) {
        const rand = rng(seed * 7919 + (how === "inner" ? 0 : 1));
        const left = sideRows(rand, "lk", "lt", "li", 5 + Math.floor(rand() * 20));
        const right = sideRows(rand, "rk", "rt", "ri", 5 + Math.floor(rand() * 20));
        const l = spark.memoryStream("lk INT, lt TIMESTAMP, li INT");
        const r = spark.memoryStream("rk INT, rt TIMESTAMP, ri INT");
        const streamed = l.toDF().withWatermark("lt", "10 seconds").join(r.toDF().withWatermark("rt", "10 seconds"), expr(ON), how);
        const name = `join_prop_${how}_${seed}`;
        const q = await streamed.writeStream.format("memory").queryName(name).outputMode("append").start();
        const lc = chunks(rand, left);
        const rc = chunks(rand, right);
        for (let i = 0; i < Math.max(lc.length, rc.length); i++) {
          if (lc[i]?.length) l.addData(lc[i]!);
          if (rc[i]?.length) r.addData(rc[i]!);
          await q.processAllAvailable();
        }
        const far = new Date(BASE + 1_000_000_000);
        l.addData([{ lk: -1, lt: far, li: -1 }]);
        r.addData([{ rk: -2, rt: far, ri: -1 }]);
        await q.processAllAvailable();
        await q.stop();
        const got = (await spark.table(name).collect()).filter((x) => x.li !== -1);
        const batch = spark.createDataFrame(left, "lk INT, lt TIMESTAMP, li INT").join(spark.createDataFrame(right, "rk INT, rt TIMESTAMP, ri INT"), expr(ON), how);
        const want = await batch.collect();
        expect(got.map(canonicalRow).sort(), `seed ${seed}`).toEqual(want.map(canonicalRow).sort());
      }
    });
  }
});
