/**
 * transformWithState against PySpark 4.0.1's transformWithStateInPandas (the same operator for
 * Python; scripts/oracle/gen_transform_with_state.py → golden/transform-with-state.json). Each
 * step drops one JSON file and runs the query with trigger(availableNow) on the same checkpoint,
 * so every step restarts the query; per micro-batch the rows, the watermark and the state metrics
 * must be Spark's: state kept across restarts, an event-time timer at exactly the watermark, and
 * a TTL that expires a value between batches.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Session, type StatefulProcessor, type StatefulProcessorHandle, type TimerValues, type ValueState } from "../../src/index.js";
import type { DataFrame } from "../../src/dataframe/dataframe.js";
import { runOracleStep } from "../joins/oracle-steps.js";

const here = new URL(".", import.meta.url).pathname;
const golden = JSON.parse(readFileSync(join(here, "golden", "transform-with-state.json"), "utf8")) as { scenarios: Record<string, unknown[][]> };
const scenarios = JSON.parse(readFileSync(join(here, "tws-scenarios.json"), "utf8")) as { name: string; function: string; watermark?: string; steps: [string, number, number][][] }[];

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const BASE_MS = Date.UTC(2024, 0, 1);
type Rows = Iterable<Record<string, unknown>>;
const count = (rows: Rows): number => [...rows].length;

/** The oracle's processors, written again with Sluice's API (the key is [user], as PySpark's groupBy gives it). */
class RunningCount implements StatefulProcessor<unknown[]> {
  n!: ValueState<{ n: bigint | number }>;
  init(h: StatefulProcessorHandle) {
    this.n = h.getValueState("count", "n BIGINT");
  }
  handleInputRows([user]: unknown[], rows: Rows) {
    const n = count(rows) + Number(this.n.get()?.n ?? 0);
    this.n.update({ n });
    return [{ user, n }];
  }
}

class EventTimer implements StatefulProcessor<unknown[]> {
  h!: StatefulProcessorHandle;
  last!: ValueState<{ ms: bigint | number }>;
  init(h: StatefulProcessorHandle) {
    this.h = h;
    this.last = h.getValueState("last", "ms BIGINT");
  }
  handleInputRows(_key: unknown[], rows: Rows) {
    const times = [...rows].map((r) => (r.ts as Date).getTime());
    const old = this.last.get();
    const last = Math.max(...times, ...(old ? [Number(old.ms)] : []));
    for (const t of this.h.listTimers()) this.h.deleteTimer(t);
    this.h.registerTimer(last + 10_000);
    this.last.update({ ms: last });
    return [];
  }
  handleExpiredTimer([user]: unknown[], _t: TimerValues, info: { getExpiryTimeInMs(): number }) {
    const last = Number(this.last.get()!.ms);
    this.last.clear();
    return [{ user, last_ms: last, expiry_ms: info.getExpiryTimeInMs() }];
  }
}

class Ttl implements StatefulProcessor<unknown[]> {
  short!: ValueState<{ n: bigint | number }>;
  long!: ValueState<{ n: bigint | number }>;
  init(h: StatefulProcessorHandle) {
    this.short = h.getValueState("short", "n BIGINT", { ttlDurationMs: 1 });
    this.long = h.getValueState("long", "n BIGINT");
  }
  handleInputRows([user]: unknown[], rows: Rows) {
    const k = count(rows);
    const short = k + Number(this.short.get()?.n ?? 0);
    const long = k + Number(this.long.get()?.n ?? 0);
    this.short.update({ n: short });
    this.long.update({ n: long });
    return [{ user, short, long }];
  }
}

const PROCESSORS: Record<string, { make: () => StatefulProcessor<unknown[]>; outputSchema: string; mode: "append" | "update"; timeMode: "None" | "EventTime" | "ProcessingTime" }> = {
  "running-count": { make: () => new RunningCount(), outputSchema: "user STRING, n BIGINT", mode: "update", timeMode: "None" },
  "event-timer": { make: () => new EventTimer(), outputSchema: "user STRING, last_ms BIGINT, expiry_ms BIGINT", mode: "append", timeMode: "EventTime" },
  ttl: { make: () => new Ttl(), outputSchema: "user STRING, short BIGINT, long BIGINT", mode: "update", timeMode: "ProcessingTime" },
};

// PySpark reports the Python operator as transformWithStateInPandasExec; Sluice's is Spark's transformWithStateExec.
const OPERATOR_NAME = (n: string): string => (n === "transformWithStateExec" ? "transformWithStateInPandasExec" : n);

describe("transformWithState matches PySpark 4.0.1's transformWithStateInPandas", () => {
  for (const sc of scenarios) {
    it(sc.name, async () => {
      const root = mkdtempSync(join(tmpdir(), "sluice-tws-parity-"));
      mkdirSync(join(root, "in"));
      const p = PROCESSORS[sc.function]!;
      const actual: unknown[][] = [];
      for (let i = 0; i < sc.steps.length; i++) {
        const lines = sc.steps[i]!.map(([user, sec, v]) => JSON.stringify({ user, ts: new Date(BASE_MS + sec * 1000).toISOString(), v }) + "\n");
        writeFileSync(join(root, "in", `step${String(i).padStart(2, "0")}.json`), lines.join(""));
        let df: DataFrame = spark.readStream.format("json").schema("user STRING, ts TIMESTAMP, v INT").load(join(root, "in"));
        if (sc.watermark) df = df.withWatermark("ts", sc.watermark);
        const out = df.groupBy("user").transformWithState(p.make(), { outputMode: p.mode, timeMode: p.timeMode, outputSchema: p.outputSchema });
        actual.push(await runOracleStep(out, join(root, "chk"), p.mode, OPERATOR_NAME));
      }
      expect(actual).toEqual(golden.scenarios[sc.name]);
    });
  }
});
