/**
 * examples/sessions.ts: the three ways (session_window, flatMapGroupsWithState, transformWithState)
 * give the same sessions — on the example's clicks (a bridging click, a new session after a long
 * gap, a late click) and on random click streams split into random batches.
 */
import { describe, expect, it } from "vitest";
import { Session } from "../../src/index.js";
import { EXAMPLE_BATCHES, GAP_MS, WAYS, runSessions } from "../../examples/sessions.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const ways = Object.keys(WAYS) as (keyof typeof WAYS)[];
const at = (iso: string) => new Date(`2024-01-01T${iso}:00Z`);

describe("examples/sessions.ts", () => {
  it("the example's clicks: the same sessions three ways", async () => {
    const expected = [
      { user: "u1", start: at("09:00"), end: at("10:40"), clicks: 4 },
      { user: "u2", start: at("09:05"), end: at("09:35"), clicks: 1 },
      { user: "u2", start: at("10:00"), end: at("10:59"), clicks: 2 },
    ];
    for (const way of ways) expect(await runSessions(spark, way, EXAMPLE_BATCHES), way).toEqual(expected);
  });

  it("random clicks in random batches: the three ways agree", async () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const base = Date.UTC(2024, 0, 1);
    const clicks: { user: string; ts: string }[] = [];
    let t = base;
    for (let i = 0; i < 60; i++) {
      t += Math.floor(rand() * 0.6 * GAP_MS); // gaps around the session gap
      clicks.push({ user: `u${Math.floor(rand() * 4)}`, ts: new Date(t).toISOString() });
    }
    clicks.push({ user: "last", ts: new Date(t + 10 * GAP_MS).toISOString() }); // moves the watermark past the rest
    const batches: (typeof clicks)[] = [];
    for (let i = 0; i < clicks.length; ) {
      const n = 1 + Math.floor(rand() * 12);
      batches.push(clicks.slice(i, i + n));
      i += n;
    }
    const results = [];
    for (const way of ways) results.push(await runSessions(spark, way, batches));
    expect(results[0]!.length).toBeGreaterThan(4);
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });
});
