/**
 * The Nexmark benchmark's parts: the generator is deterministic and follows the model's
 * proportions, and each query run by Sluice over the tiny input gives the rows real PySpark 4.0.1
 * gave for it (bench/nexmark/golden/tiny.json, from bench/nexmark/make_golden.sh).
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Session } from "../../src/index.js";
import { events, writeInput } from "../../bench/nexmark/generator.js";
import { QUERY_NAMES } from "../../bench/nexmark/queries.js";
import { runNexmarkQuery } from "../../bench/nexmark/sluice-nexmark.js";

interface Golden { count: number; sha256: string; rows?: unknown[][] }
const golden = JSON.parse(readFileSync(join(import.meta.dirname, "../../bench/nexmark/golden/tiny.json"), "utf8")) as Record<string, Golden>;
const tmp = mkdtempSync(join(tmpdir(), "nexmark-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const TINY = { seed: 7, baseTimeMs: Date.UTC(2026, 0, 1), eventsPerSecond: 100 };

const filesOf = (dir: string): Record<string, string> =>
  Object.fromEntries(["person", "auction", "bid"].flatMap((k) => readdirSync(join(dir, k)).map((f) => [`${k}/${f}`, readFileSync(join(dir, k, f), "utf8")])));

describe("Nexmark generator", () => {
  it("writes the same bytes on every run, and any range of events is that slice of the whole", () => {
    writeInput(join(tmp, "a"), 3000, 3, TINY);
    writeInput(join(tmp, "b"), 3000, 3, TINY);
    const a = filesOf(join(tmp, "a"));
    expect(Object.keys(a)).toHaveLength(9);
    expect(filesOf(join(tmp, "b"))).toEqual(a);
    expect([...events(1234, 1300, TINY)]).toEqual([...events(0, 1300, TINY)].slice(1234));
    expect(createHash("sha256").update(JSON.stringify([...events(0, 100, { ...TINY, seed: 8 })])).digest("hex")).not.toBe(
      createHash("sha256").update(JSON.stringify([...events(0, 100, TINY)])).digest("hex"),
    );
  });

  it("follows the model: 1:3:46 people, auctions and bids, monotonic event time, hot auctions and bidders", () => {
    const all = [...events(0, 50_000, TINY)];
    const kinds = { person: 0, auction: 0, bid: 0 };
    for (const e of all) kinds[e.kind]++;
    expect(kinds).toEqual({ person: 1000, auction: 3000, bid: 46_000 });
    const times = all.map((e) => Date.parse(e.kind === "person" ? e.person.dateTime : e.kind === "auction" ? e.auction.dateTime : e.bid.dateTime));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
    const bids = all.flatMap((e) => (e.kind === "bid" ? [e.bid] : []));
    // about half the bids go to a hot auction (an id ending in 00), three quarters from a hot bidder (ending in 01)
    const hotAuctions = bids.filter((b) => (b.auction - 1000) % 100 === 0).length / bids.length;
    const hotBidders = bids.filter((b) => (b.bidder - 1000) % 100 === 1).length / bids.length;
    expect(hotAuctions).toBeGreaterThan(0.45);
    expect(hotAuctions).toBeLessThan(0.56);
    expect(hotBidders).toBeGreaterThan(0.7);
    expect(hotBidders).toBeLessThan(0.8);
    const people = all.flatMap((e) => (e.kind === "person" ? [e.person.id] : []));
    expect(people).toEqual(people.map((_, i) => 1000 + i));
  });
});

/** canonical.py's form of a value: fractional numbers and decimals with 4 decimals, timestamps in µs. */
function canonical(v: unknown, type: string): unknown {
  if (v === null) return null;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Date) return v.getTime() * 1000;
  if (type.startsWith("decimal")) {
    const [i, f = ""] = String(v).split(".");
    return `${i}.${f.padEnd(4, "0")}`;
  }
  if (typeof v === "number" && !Number.isInteger(v)) return v.toFixed(4);
  if (typeof v === "number" && type === "double") return v.toFixed(4);
  return v;
}

describe("Nexmark queries on Sluice match PySpark 4.0.1 on the tiny input", () => {
  const input = join(tmp, "input");
  writeInput(input, 3000, 3, TINY);
  const spark = Session.builder().master("local[2]").config("spark.sql.session.timeZone", "UTC").getOrCreate();
  afterAll(() => spark.stop());

  for (const q of QUERY_NAMES) {
    // q4: Spark 4.0.1 writes no row here — the aggregation after the time-range join gets the
    // join's output watermark, held back by the join's time bound (1 minute), so no window closes
    it(q, async () => {
      await runNexmarkQuery(spark, input, join(tmp, "out"), q);
      const df = spark.read.parquet(join(tmp, "out", q));
      const names = df.columns.slice().sort();
      const types = Object.fromEntries(df.dtypes);
      const rows = (await df.collect()).map((r) => names.map((n) => canonical(r[n], types[n]!)));
      const lines = rows.map((r) => JSON.stringify(r)).sort();
      const g = golden[q]!;
      if (g.rows) expect(lines).toEqual(g.rows.map((r) => JSON.stringify(r)).sort());
      expect(lines.length).toBe(g.count);
      expect(createHash("sha256").update(lines.join("\n")).digest("hex")).toBe(g.sha256);
    });
  }
});
