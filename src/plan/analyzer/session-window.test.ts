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
      ["a", "10:00:00", "10:10:00", 2],
      ["a", "10:10:01", "10:15:01", 1],
      ["b", "10:00:00", "10:05:00", 1],
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
      ["10:00:00", "10:09:00", 2],
      ["10:20:00", "10:25:00", 1],
    ]);
  });
  it("a gap that is not a positive interval gives no sessions, as Spark", async () => {
    // GROUP BY session_window(ts, '0 minutes') and (ts, 'abc') → no rows
    expect(await rows(`SELECT count(*) AS n FROM ${EVENTS} GROUP BY session_window(ts, '0 minutes')`)).toEqual([]);
    expect(await rows(`SELECT count(*) AS n FROM ${EVENTS} GROUP BY session_window(ts, 'abc')`)).toEqual([]);
  });
  it("rejects a per-row gap and a wrong number of arguments", async () => {
    await expect(rows(`SELECT count(*) AS n FROM ${EVENTS} GROUP BY session_window(ts, k)`)).rejects.toMatchObject({ code: "UNSUPPORTED_FEATURE" });
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
