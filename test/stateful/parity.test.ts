/**
 * flatMapGroupsWithState against PySpark 4.0.1's applyInPandasWithState (the same operator for
 * Python; scripts/oracle/gen_groups_with_state.py → golden/groups-with-state.json). Each step
 * drops one JSON file and runs the query on the same checkpoint — trigger(availableNow), or for
 * processing-time timeouts trigger(once) — so every step restarts the query; per micro-batch the
 * rows, the watermark and the state metrics must be Spark's — including the batches without new
 * data that event-time timeouts need, and a 1 ms processing-time timeout firing in the next batch.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type GroupState, Session } from "../../src/index.js";
import type { DataFrame } from "../../src/dataframe/dataframe.js";
import { runOracleStep } from "../joins/oracle-steps.js";

const here = new URL(".", import.meta.url).pathname;
const golden = JSON.parse(readFileSync(join(here, "golden", "groups-with-state.json"), "utf8")) as { scenarios: Record<string, unknown[][]> };
const scenarios = JSON.parse(readFileSync(join(here, "groups-with-state-scenarios.json"), "utf8")) as { name: string; function: string; watermark?: string; steps: [string, number, number][][] }[];

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const BASE_MS = Date.UTC(2024, 0, 1);

/** The oracle's functions, written again with Sluice's API. */
const FUNCTIONS: Record<string, (df: DataFrame) => DataFrame> = {
  sessions: (df) =>
    df.groupByKey((r) => r.user).flatMapGroupsWithState(
      { outputMode: "append", timeout: "EventTimeTimeout", stateSchema: "first_ms DOUBLE, last_ms DOUBLE, n INT", outputSchema: "user STRING, first_ms DOUBLE, last_ms DOUBLE, n INT" },
      (user, rows, state: GroupState<{ first_ms: number; last_ms: number; n: number }>) => {
        if (state.hasTimedOut) {
          const s = state.get();
          state.remove();
          return [{ user, ...s }];
        }
        const times = [...rows].map((r) => (r.ts as Date).getTime());
        const old = state.getOption();
        const first = Math.min(...times, ...(old ? [old.first_ms] : []));
        const last = Math.max(...times, ...(old ? [old.last_ms] : []));
        state.update({ first_ms: first, last_ms: last, n: times.length + (old?.n ?? 0) });
        state.setTimeoutTimestamp(last + 30_000);
        return [];
      },
    ),
  "running-count": (df) =>
    df.groupByKey((r) => r.user).flatMapGroupsWithState({ outputMode: "update", stateSchema: "n INT", outputSchema: "user STRING, n INT" }, (user, rows, state: GroupState<{ n: number }>) => {
      const n = [...rows].length + (state.exists ? state.get().n : 0);
      state.update({ n });
      return [{ user, n }];
    }),
  "remove-at-10": (df) =>
    df.groupByKey((r) => r.user).flatMapGroupsWithState({ outputMode: "append", stateSchema: "total INT", outputSchema: "user STRING, total INT" }, (user, rows, state: GroupState<{ total: number }>) => {
      const total = [...rows].reduce((a, r) => a + (r.v as number), 0) + (state.exists ? state.get().total : 0);
      if (total < 10) {
        state.update({ total });
        return [];
      }
      state.remove();
      return [{ user, total }];
    }),
  "idle-timeout": (df) =>
    df.groupByKey((r) => r.user).flatMapGroupsWithState(
      { outputMode: "update", timeout: "ProcessingTimeTimeout", stateSchema: "n INT", outputSchema: "user STRING, n INT, timed_out BOOLEAN" },
      (user, rows, state: GroupState<{ n: number }>) => {
        if (state.hasTimedOut) {
          const { n } = state.get();
          state.remove();
          return [{ user, n, timed_out: true }];
        }
        const n = [...rows].length + (state.exists ? state.get().n : 0);
        state.update({ n });
        state.setTimeoutDuration(1);
        return [{ user, n, timed_out: false }];
      },
    ),
};

const UPDATE_MODE = new Set(["running-count", "idle-timeout"]);
/** Processing-time timeouts: one batch per step (trigger once), as the oracle runs them. */
const ONCE = new Set(["idle-timeout"]);

describe("flatMapGroupsWithState matches PySpark 4.0.1's applyInPandasWithState", () => {
  for (const sc of scenarios) {
    it(sc.name, { timeout: 300_000 }, async () => {
      const root = mkdtempSync(join(tmpdir(), "sluice-gws-"));
      mkdirSync(join(root, "in"));
      const actual: unknown[][] = [];
      for (let i = 0; i < sc.steps.length; i++) {
        const lines = sc.steps[i]!.map(([user, sec, v]) => JSON.stringify({ user, ts: new Date(BASE_MS + sec * 1000).toISOString(), v }) + "\n");
        writeFileSync(join(root, "in", `step${String(i).padStart(2, "0")}.json`), lines.join(""));
        let df = spark.readStream.format("json").schema("user STRING, ts TIMESTAMP, v INT").load(join(root, "in"));
        if (sc.watermark) df = df.withWatermark("ts", sc.watermark);
        const out = FUNCTIONS[sc.function]!(df);
        const mode = UPDATE_MODE.has(sc.function) ? "update" : "append";
        // PySpark names the operator applyInPandasWithState; the Scala API's name is flatMapGroupsWithState.
        actual.push(await runOracleStep(out, join(root, "chk"), mode, (n) => (n === "flatMapGroupsWithState" ? "applyInPandasWithState" : n), { once: ONCE.has(sc.function) }));
      }
      expect(actual).toEqual(golden.scenarios[sc.name]);
    });
  }
});
