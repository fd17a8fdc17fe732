import { describe, expect, it } from "vitest";
import { StructType } from "../../types/struct-type.js";
import type { GroupsWithStateSpec } from "../../plan/groups-with-state.js";
import { GroupStateImpl, callGroupFunction, decodeGroupKey, encodeGroupKey } from "./group-state.js";

const ctx = (over: Partial<ConstructorParameters<typeof GroupStateImpl>[1]> = {}) =>
  ({ timeout: "NoTimeout", batchTimestampMs: 1_000, watermarkMs: undefined, hasTimedOut: false, isMap: false, ...over }) as const;

describe("GroupStateImpl (Spark's GroupState rules)", () => {
  it("get/getOption/update/remove and the flags the operator reads", () => {
    const s = new GroupStateImpl(undefined, ctx());
    expect(s.exists).toBe(false);
    expect(s.getOption()).toBeUndefined();
    expect(() => s.get()).toThrow("State is either not defined or has already been removed");
    expect(() => s.update(null as never)).toThrow("'null' is not a valid state value");
    s.update({ n: 1 });
    expect([s.exists, s.get(), s.isUpdated, s.isRemoved]).toEqual([true, { n: 1 }, true, false]);
    s.remove();
    expect([s.exists, s.isUpdated, s.isRemoved]).toEqual([false, false, true]);
  });

  it("timeouts need their timeout kind, a positive duration, and a timestamp not before the watermark", () => {
    expect(() => new GroupStateImpl(undefined, ctx()).setTimeoutDuration(10)).toThrow("Cannot set timeout duration without enabling processing time timeout in flatMapGroupsWithState");
    expect(() => new GroupStateImpl(undefined, ctx({ isMap: true })).setTimeoutTimestamp(10)).toThrow("Cannot set timeout timestamp without enabling event time timeout in mapGroupsWithState");
    const p = new GroupStateImpl(undefined, ctx({ timeout: "ProcessingTimeTimeout" }));
    expect(() => p.setTimeoutDuration(0)).toThrow("Timeout duration must be positive");
    expect(() => p.setTimeoutDuration("1 month")).toThrow(/months or years/);
    p.setTimeoutDuration("1 minute");
    expect(p.timeoutTimestampMs).toBe(61_000);
    const e = new GroupStateImpl(undefined, ctx({ timeout: "EventTimeTimeout", watermarkMs: 5_000 }));
    expect(() => e.setTimeoutTimestamp(4_999)).toThrow("Timeout timestamp (4999) cannot be earlier than the current watermark (5000)");
    e.setTimeoutTimestamp(new Date(4_000), "2 seconds");
    expect([e.timeoutTimestampMs, e.getCurrentWatermarkMs(), e.getCurrentProcessingTimeMs()]).toEqual([6_000, 5_000, 1_000]);
    expect(() => new GroupStateImpl(undefined, ctx()).getCurrentWatermarkMs()).toThrow("Cannot get event time watermark timestamp without setting watermark before flatMapGroupsWithState");
  });
});

describe("group keys", () => {
  it("encode equal keys equally and decode them back, Dates and bigints included", () => {
    const key = { user: "u", at: new Date(5), n: 12345678901234567890n, tags: ["a", null], inf: Infinity };
    expect(decodeGroupKey(encodeGroupKey(key))).toEqual(key);
    expect(encodeGroupKey(new Date(1))).not.toBe(encodeGroupKey(new Date(2)));
    expect(() => encodeGroupKey(new Map())).toThrow(/groupByKey key must be/);
  });
});

describe("callGroupFunction", () => {
  const spec = (fn: GroupsWithStateSpec["fn"], isMap = false): GroupsWithStateSpec => ({
    isMap,
    outputMode: "update",
    timeout: "NoTimeout",
    stateSchema: StructType.fromDDL("n INT"),
    outputSchema: StructType.fromDDL("k STRING"),
    keyFn: () => "k",
    fn,
  });
  it("accepts arrays, generators and async generators; refuses other results naming the key", async () => {
    const out: Record<string, unknown>[] = [];
    const st = () => new GroupStateImpl(undefined, ctx());
    await callGroupFunction(spec(() => [{ k: "a" }]), "a", [], st(), out);
    await callGroupFunction(spec(function* () { yield { k: "b" }; }), "b", [], st(), out);
    await callGroupFunction(spec(async function* () { yield { k: "c" }; }), "c", [], st(), out);
    await callGroupFunction(spec((() => ({ k: "d" })) as never, true), "d", [], st(), out);
    expect(out.map((r) => r.k)).toEqual(["a", "b", "c", "d"]);
    await expect(callGroupFunction(spec((() => 3) as never), "x", [], st(), out)).rejects.toThrow('The function of flatMapGroupsWithState failed for key "x": flatMapGroupsWithState\'s function must return an iterable of rows');
    await expect(callGroupFunction(spec((() => [{ k: 1 }]) as never, true), "y", [], st(), out)).rejects.toThrow("mapGroupsWithState's function must return exactly one row");
    await expect(callGroupFunction(spec((_k, _r, s) => [s.get()]), "z", [], st(), out)).rejects.toMatchObject({ code: "GROUP_STATE_NOT_DEFINED", message: expect.stringContaining('key "z"') });
  });
});
