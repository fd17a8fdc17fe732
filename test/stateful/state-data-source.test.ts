/**
 * The state data source (`spark.read.format("statestore")`, connectors/state) over checkpoints of
 * real queries: a streaming aggregation (key and partial-state value per group, per partition,
 * at the last and at an earlier batch), a deduplication, both sides of a stream–stream join
 * (joinSide), a flatMapGroupsWithState and a transformWithState variable (stateVarName), and the
 * errors for bad options and for a checkpoint or store that does not exist; and the
 * `state-metadata` format listing each operator's stores.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type DataFrame, type GroupState, Session, expr } from "../../src/index.js";
import type { StatefulProcessor, StatefulProcessorHandle, ValueState } from "../../src/plan/transform-with-state.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").config("spark.sql.shuffle.partitions", 4).getOrCreate();
type Row = Record<string, unknown>;
const tmp = () => mkdtempSync(join(tmpdir(), "sluice-statestore-"));
const num = (v: unknown): unknown => (typeof v === "bigint" ? Number(v) : v);
const plain = (r: Row): Row => JSON.parse(JSON.stringify(r, (_k, v) => num(v)));
const sortRows = (rows: Row[]) => rows.map(plain).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

/** Run `df` over the batches of rows, one micro-batch each, and stop. */
async function run(df: DataFrame, mode: "append" | "update" | "complete", add: (() => void)[]): Promise<string> {
  const checkpoint = tmp();
  const q = await df.writeStream.format("memory").queryName(`statestore_${Math.random().toString(36).slice(2)}`).outputMode(mode).option("checkpointLocation", checkpoint).start();
  for (const a of add) {
    a();
    await q.processAllAvailable();
  }
  await q.stop();
  return checkpoint;
}
const read = (checkpoint: string, options: Record<string, string | number> = {}) => {
  let r = spark.read.format("statestore");
  for (const [k, v] of Object.entries(options)) r = r.option(k, v);
  return r.load(checkpoint);
};

describe("state data source (statestore)", () => {
  it("reads an aggregation's state per partition, at the last and at an earlier batch", async () => {
    const input = spark.memoryStream("k STRING, v INT");
    const chk = await run(input.toDF().groupBy("k").count(), "update", [() => input.addData([{ k: "a", v: 1 }, { k: "b", v: 1 }]), () => input.addData([{ k: "a", v: 2 }])]);
    const df = read(chk);
    expect(df.columns).toEqual(["key", "value", "partition_id"]);
    const rows = await df.collect();
    // The key struct has the fields the store recorded (an aggregation names its keys k0, k1, …).
    expect(sortRows(rows.map((r) => ({ key: r.key, count: (r.value as Row)[Object.keys(r.value as Row).at(-1)!] })))).toEqual(sortRows([{ key: { k0: "a" }, count: 2 }, { key: { k0: "b" }, count: 1 }]));
    for (const r of rows) expect(r.partition_id).toBeGreaterThanOrEqual(0), expect(r.partition_id).toBeLessThan(4);
    const first = await read(chk, { batchId: 0 }).collect();
    expect(sortRows(first.map((r) => ({ key: r.key, count: (r.value as Row)[Object.keys(r.value as Row).at(-1)!] })))).toEqual(sortRows([{ key: { k0: "a" }, count: 1 }, { key: { k0: "b" }, count: 1 }]));
    // SQL over it, as over any DataFrame.
    read(chk).createOrReplaceTempView("agg_state");
    expect(num((await spark.sql("SELECT count(*) AS n FROM agg_state").collect())[0]!.n)).toBe(2);
  });

  it("reads a deduplication's keys", async () => {
    const input = spark.memoryStream("id INT, s STRING");
    const chk = await run(input.toDF().dropDuplicates(["id"]), "append", [() => input.addData([{ id: 1, s: "x" }, { id: 2, s: "y" }, { id: 1, s: "z" }])]);
    const rows = await read(chk).collect();
    expect(sortRows(rows.map((r) => r.key as Row))).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it("reads each side of a stream–stream join (joinSide)", async () => {
    const l = spark.memoryStream("lk INT, lv STRING");
    const r = spark.memoryStream("rk INT, rv STRING");
    const chk = await run(l.toDF().join(r.toDF(), expr("lk = rk")), "append", [() => (l.addData([{ lk: 1, lv: "a" }, { lk: 2, lv: "b" }]), r.addData([{ rk: 1, rv: "c" }]))]);
    const left = await read(chk, { joinSide: "left" }).collect();
    expect(sortRows(left.map((x) => ({ key: x.key, value: x.value })))).toEqual(sortRows([{ key: { field0: 1 }, value: { lk: 1, lv: "a" } }, { key: { field0: 2 }, value: { lk: 2, lv: "b" } }]));
    const right = await read(chk, { joinSide: "right" }).collect();
    expect(right.map((x) => plain({ key: x.key, value: x.value }))).toEqual([{ key: { field0: 1 }, value: { rk: 1, rv: "c" } }]);
    const counts = await read(chk, { storeName: "left-keyToNumValues" }).collect();
    expect(sortRows(counts.map((x) => ({ k: x.key, n: (x.value as Row).count })))).toEqual(sortRows([{ k: { field0: 1 }, n: 1 }, { k: { field0: 2 }, n: 1 }]));
  });

  it("reads flatMapGroupsWithState and transformWithState state", async () => {
    const input = spark.memoryStream("user STRING");
    const fm = input
      .toDF()
      .groupByKey((x) => x.user as string)
      .mapGroupsWithState({ stateSchema: "n INT", outputSchema: "user STRING, n INT" }, (user, rows, state: GroupState<{ n: number }>) => {
        const n = (state.getOption()?.n ?? 0) + [...rows].length;
        state.update({ n });
        return { user, n };
      });
    const chk = await run(fm, "update", [() => input.addData([{ user: "a" }, { user: "a" }, { user: "b" }])]);
    const rows = await read(chk).collect();
    expect(sortRows(rows.map((x) => ({ key: x.key, n: (x.value as Row).n })))).toEqual(sortRows([{ key: { key: '"a"' }, n: 2 }, { key: { key: '"b"' }, n: 1 }]));

    class Last implements StatefulProcessor<string> {
      last!: ValueState<{ s: string }>;
      init(h: StatefulProcessorHandle): void {
        this.last = h.getValueState("lastUser", "s STRING");
      }
      handleInputRows(key: string): Row[] {
        this.last.update({ s: key.toUpperCase() });
        return [];
      }
    }
    const input2 = spark.memoryStream("user STRING");
    const tws = input2.toDF().groupByKey((x) => x.user as string).transformWithState(new Last(), { outputMode: "update", outputSchema: "user STRING" });
    const chk2 = await run(tws, "update", [() => input2.addData([{ user: "a" }, { user: "c" }])]);
    const vars = await read(chk2, { stateVarName: "lastUser" }).collect();
    expect(sortRows(vars.map((x) => ({ key: x.key, value: x.value })))).toEqual(sortRows([{ key: { key: '"a"' }, value: { s: "A" } }, { key: { key: '"c"' }, value: { s: "C" } }]));
    const meta = await read(chk2, { storeName: "$stateVariables" }).collect();
    expect(meta.map((x) => (x.key as Row).stateName)).toEqual(["lastUser"]);
  });

  it("refuses bad options, a missing store and a checkpoint without committed batches, naming them", async () => {
    const input = spark.memoryStream("k STRING");
    const chk = await run(input.toDF().groupBy("k").count(), "complete", [() => input.addData([{ k: "a" }])]);
    expect(() => read(chk, { batchID: 0, wrong: 1 })).toThrow(/does not know the option\(s\) wrong/);
    expect(() => read(chk, { batchId: 5 })).toThrow(/'batchId': 5 is after the last committed batch \(0\)/);
    expect(() => read(chk, { batchId: -1 })).toThrow(/'batchId': '-1' must be an integer/);
    expect(() => read(chk, { joinSide: "middle" })).toThrow(/'joinSide': 'middle' must be left, right or none/);
    expect(() => read(chk, { joinSide: "left", storeName: "x" })).toThrow(/storeName and joinSide cannot be combined/);
    expect(() => read(chk, { operatorId: 3 })).toThrow(/no state store 'default' for operator 3/);
    expect(() => read(chk, { joinSide: "left" })).toThrow(/is operator 0 a stream–stream join/);
    expect(() => read(tmp())).toThrow(/has no committed batch/);
    expect(() => spark.read.format("statestore").schema("a INT").load(chk)).toThrow(/remove \.schema/);
    expect(() => spark.readStream.format("statestore").load(chk)).toThrow(/spark.read/);
  });

  it("state-metadata lists every operator and store with its partitions and batch range", async () => {
    const l = spark.memoryStream("lk INT");
    const r = spark.memoryStream("rk INT");
    const joined = l.toDF().join(r.toDF(), expr("lk = rk"));
    const chk = await run(joined, "append", [() => (l.addData([{ lk: 1 }]), r.addData([{ rk: 1 }])), () => l.addData([{ lk: 2 }])]);
    const rows = await spark.read.format("state-metadata").load(chk).collect();
    const seen = sortRows(rows).map((x) => `${x.operatorId} ${x.operatorName} ${x.stateStoreName} ${x.numPartitions} ${x.minBatchId}..${x.maxBatchId}`);
    expect(seen).toEqual([
      "0 symmetricHashJoin left-keyToNumValues 4 0..1",
      "0 symmetricHashJoin left-keyWithIndexToValue 4 0..1",
      "0 symmetricHashJoin right-keyToNumValues 4 0..1",
      "0 symmetricHashJoin right-keyWithIndexToValue 4 0..1",
    ]);
    expect(() => spark.read.format("state-metadata").option("batchId", 1).load(chk)).toThrow(/takes no options; got batchId/);
    expect(() => spark.read.format("state-metadata").load(tmp())).toThrow(/is not a streaming checkpoint/);
  });
});
