import { describe, expect, it } from "vitest";
import { Session } from "../../session/session.js";

const session = () => Session.builder().getOrCreate();
const EVENTS =
  "VALUES ('a', TIMESTAMP'2024-01-01 10:00:00'), ('a', TIMESTAMP'2024-01-01 10:05:00'), ('a', TIMESTAMP'2024-01-01 10:10:01'), ('a', NULL), ('b', TIMESTAMP'2024-01-01 10:00:00') AS t(k, ts)";
const iso = (v: unknown) => (v instanceof Date ? v.toISOString().slice(11, 19) : v);

async function rows(sql: string): Promise<unknown[][]> {
  const out = await session().sql(sql).collect();
  return out.map((r) => Object.values(r as Record<string, unknown>).map(iso));
}

describe("session_window in batch aggregation (PySpark 4.0.1)", () => {
  it("merges events per key while the next one arrives within the gap (an event at the end joins)", async () => {
    // → [a, 10:00:00, 10:10:00, 2], [a, 10:10:01, 10:15:01, 1], [b, 10:00:00, 10:05:00, 1]; the null event time is dropped
    const sql = `SELECT k, session_window.start AS s, session_window.end AS e, count(*) AS n FROM ${EVENTS} GROUP BY k, session_window(ts, '5 minutes') ORDER BY k, s`;
    expect(await rows(sql)).toEqual([
      ["a", "10:00:00", "10:10:00", 2n],
      ["a", "10:10:01", "10:15:01", 1n],
      ["b", "10:00:00", "10:05:00", 1n],
    ]);
  });
  it("groups without other keys and can select the struct itself", async () => {
    // SELECT session_window(ts, '5 minutes') AS sw, count(*) … over 10:00 and 10:04 → {start 10:00, end 10:09}, 2
    const df = session().sql(
      "SELECT session_window(ts, '5 minutes') AS sw, count(*) AS n FROM VALUES (TIMESTAMP'2024-01-01 10:00:00'), (TIMESTAMP'2024-01-01 10:04:00'), (TIMESTAMP'2024-01-01 10:20:00') AS t(ts) GROUP BY session_window(ts, '5 minutes')",
    );
    expect(df.schema.fields.map((f) => f.name)).toEqual(["sw", "n"]);
    const out = (await df.collect()) as { sw: { start: Date; end: Date }; n: number }[];
    expect(out.map((r) => [iso(r.sw.start), iso(r.sw.end), r.n]).sort()).toEqual([
      ["10:00:00", "10:09:00", 2n],
      ["10:20:00", "10:25:00", 1n],
    ]);
  });
  it("a gap that is not a positive interval gives no sessions, as Spark", async () => {
    // GROUP BY session_window(ts, '0 minutes') and (ts, 'abc') → no rows
    expect(await rows(`SELECT count(*) AS n FROM ${EVENTS} GROUP BY session_window(ts, '0 minutes')`)).toEqual([]);
    expect(await rows(`SELECT count(*) AS n FROM ${EVENTS} GROUP BY session_window(ts, 'abc')`)).toEqual([]);
  });
  it("a literal month gap is calendar arithmetic, as in Spark", async () => {
    // GROUP BY k, session_window(ts, '1 month') → a: [10:00, 2024-02-01 10:10:01], 3 rows; b: [10:00, 2024-02-01 10:00], 1
    const out = await session()
      .sql(`SELECT k, session_window.start AS s, session_window.end AS e, count(*) AS n FROM ${EVENTS} GROUP BY k, session_window(ts, '1 month') ORDER BY k`)
      .collect();
    expect(out.map((r) => Object.values(r as Record<string, unknown>).map((v) => (v instanceof Date ? v.toISOString() : v)))).toEqual([
      ["a", "2024-01-01T10:00:00.000Z", "2024-02-01T10:10:01.000Z", 3n],
      ["b", "2024-01-01T10:00:00.000Z", "2024-02-01T10:00:00.000Z", 1n],
    ]);
  });
  it("a gap computed per row: rows with a null, unparsable, zero or negative gap are dropped; a session ends at its latest end", async () => {
    // (0s, '3 seconds'), (2s, '10 seconds'), (11s, '1 second') → one session [0s, 12s], 3 rows;
    // (0s, '30 seconds'), (2s, '1 second'), (20s, '1 second') → one session [0s, 30s]
    const tuples = (k: string, pairs: [number, string | null][]) => pairs.map(([sec, g]) => `('${k}', TIMESTAMP'2024-01-01 10:00:${String(sec).padStart(2, "0")}', ${g === null ? "NULL" : `'${g}'`})`);
    const values = [
      ...tuples("a", [[0, "3 seconds"], [2, "10 seconds"], [11, "1 second"]]),
      ...tuples("b", [[0, "30 seconds"], [2, "1 second"], [20, "1 second"]]),
      ...tuples("c", [[0, null], [1, "abc"], [2, "0 seconds"], [3, "-5 seconds"]]),
    ].join(", ");
    const sql = `SELECT k, session_window.start AS s, session_window.end AS e, count(*) AS n FROM VALUES ${values} AS t(k, ts, g) GROUP BY k, session_window(ts, g) ORDER BY k`;
    expect(await rows(sql)).toEqual([
      ["a", "10:00:00", "10:00:12", 3n],
      ["b", "10:00:00", "10:00:30", 3n],
    ]);
  });
  it("a window struct as the time column stands for window_time(window)", async () => {
    // session_window over the `window` of a 5-second window count: events at 0s, 2s, 7s, 30s → windows
    // times 4.999999 and 9.999999: [0,5) and [5,10) merge with a 5-second gap (the second starts at
    // the first one's end), giving [4.999999, 14.999999]; [30, 35) stays alone
    const sql =
      "SELECT session_window.start AS s, session_window.end AS e, sum(n) AS n FROM (SELECT window, count(*) AS n FROM VALUES (TIMESTAMP'2024-01-01 10:00:00'), (TIMESTAMP'2024-01-01 10:00:02'), (TIMESTAMP'2024-01-01 10:00:07'), (TIMESTAMP'2024-01-01 10:00:30') AS t(ts) GROUP BY window(ts, '5 seconds')) GROUP BY session_window(window, '5 seconds') ORDER BY s";
    const out = (await session().sql(sql).collect()) as { s: Date; e: Date; n: number }[];
    expect(out.map((r) => [r.s.toISOString(), r.e.toISOString(), r.n])).toEqual([
      ["2024-01-01T10:00:04.999Z", "2024-01-01T10:00:14.999Z", 3n],
      ["2024-01-01T10:00:34.999Z", "2024-01-01T10:00:39.999Z", 1n],
    ]);
  });
  it("rejects a gap that is not a string, a time column that is not a timestamp or window, and a wrong number of arguments", async () => {
    await expect(rows(`SELECT count(*) AS n FROM ${EVENTS} GROUP BY session_window(ts, 5)`)).rejects.toMatchObject({
      code: "DATATYPE_MISMATCH",
      message: expect.stringContaining("must be an interval string such as '5 minutes', but got INT"),
    });
    await expect(rows(`SELECT count(*) AS n FROM ${EVENTS} GROUP BY session_window(named_struct('a', ts), '5 minutes')`)).rejects.toMatchObject({
      code: "DATATYPE_MISMATCH",
      message: expect.stringContaining("but got STRUCT<a: TIMESTAMP>"),
    });
    await expect(rows(`SELECT count(*) AS n FROM ${EVENTS} GROUP BY session_window(ts)`)).rejects.toMatchObject({ code: "WRONG_NUM_ARGS" });
  });
});

describe("session_window on a streaming input", () => {
  it("keeps the per-row session as a marked group key for the streaming operator (no window functions)", async () => {
    const { analyze } = await import("../analyzer.js");
    const { node } = await import("../logical-plan.js");
    const { builtinFunctions } = await import("../../expr/function-catalog.js");
    const { testEnv } = await import("./testing.js");
    const env = { ...testEnv({ sources: { json: "k STRING, ts TIMESTAMP" } }), functions: builtinFunctions };
    const read = node({ kind: "read", source: { format: "json", paths: ["/x"], options: {} }, streaming: true });
    const sw = { kind: "call" as const, name: "session_window", args: [{ kind: "column" as const, nameParts: ["ts"] }, { kind: "literal" as const, value: "5 minutes", type: { kind: "string" as const } }] };
    const count = { kind: "call" as const, name: "count", args: [{ kind: "literal" as const, value: 1, type: { kind: "int" as const } }] };
    const agg = node({ kind: "aggregate", input: read, groupBy: [sw], aggs: [sw, count] });
    const r = analyze(agg, env);
    expect(r.kind).toBe("aggregate");
    if (r.kind !== "aggregate") return;
    expect(r.sessionWindowKey).toBe(0);
    expect(r.output.map((a) => a.name)).toEqual(["session_window", "count(1)"]);
    const kinds: string[] = [];
    const walk = (p: { kind: string; input?: unknown }): void => {
      kinds.push(p.kind);
      if (p.input) walk(p.input as { kind: string });
    };
    walk(r.input);
    expect(kinds).not.toContain("window");
  });
});
