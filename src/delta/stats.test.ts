import { describe, expect, it } from "vitest";
import { batchFromRows } from "../columnar/column-batch.js";
import { JsonNumberDigits } from "../columnar/values.js";
import { StructType } from "../types/struct-type.js";
import { computeStats, parseStats, statsToJson } from "./stats.js";
import { errorOf } from "./test-helpers.js";

describe("file stats", () => {
  it("computes numRecords, min/max and nullCount, nested for structs", () => {
    const schema = StructType.fromDDL("id BIGINT, name STRING, price DECIMAL(6,2), d DATE, ts TIMESTAMP, s STRUCT<a: INT, b: DOUBLE>, tags ARRAY<STRING>, ok BOOLEAN");
    const batch = batchFromRows(schema, [
      { id: 3, name: "b", price: 1.5, d: "2024-01-02", ts: "2024-01-01T00:00:00.123Z", s: { a: 1, b: NaN }, tags: ["x"], ok: true },
      { id: 1, name: "a", price: null, d: "2024-01-01", ts: null, s: { a: 5, b: 2.5 }, tags: null, ok: null },
      { id: null, name: "c", price: -2, d: null, ts: "2024-01-03T00:00:00Z", s: null, tags: [], ok: false },
    ]);
    const stats = computeStats(batch);
    expect(stats).toEqual({
      numRecords: 3,
      minValues: { id: 1n, name: "a", price: new JsonNumberDigits("-2.00"), d: "2024-01-01", ts: "2024-01-01T00:00:00.123Z", s: { a: 1, b: 2.5 } },
      maxValues: { id: 3n, name: "c", price: new JsonNumberDigits("1.50"), d: "2024-01-02", ts: "2024-01-03T00:00:00.000Z", s: { a: 5, b: 2.5 } },
      nullCount: { id: 1, name: 0, price: 1, d: 1, ts: 1, s: { a: 1, b: 1 }, tags: 1, ok: 1 },
    });
    const json = statsToJson(stats);
    expect(json).toContain('"price":-2.00');
    expect(json).toContain('"price":1.50');
    expect(parseStats(json, "f")!.maxValues).toMatchObject({ id: 3, price: 1.5 });
  });
  it("writes BIGINT bounds past 2^53 as their exact digits", () => {
    const schema = StructType.fromDDL("id BIGINT");
    const stats = computeStats(batchFromRows(schema, [{ id: 1234567890123456789n }, { id: -9223372036854775808n }]));
    expect(statsToJson(stats)).toBe('{"numRecords":2,"minValues":{"id":-9223372036854775808},"maxValues":{"id":1234567890123456789},"nullCount":{"id":0}}');
  });
  it("writes DECIMAL bounds as their exact digits, never through a double", () => {
    const schema = StructType.fromDDL("d DECIMAL(38,18)");
    const stats = computeStats(batchFromRows(schema, [{ d: "12345678901234567890.123456789012345678" }, { d: "-0.000000000000000001" }]));
    expect(statsToJson(stats)).toBe('{"numRecords":2,"minValues":{"d":-0.000000000000000001},"maxValues":{"d":12345678901234567890.123456789012345678},"nullCount":{"d":0}}');
  });

  it("truncates long string minimums, drops long maximums, and limits indexed columns", () => {
    const long = "x".repeat(40);
    const b = batchFromRows(StructType.fromDDL("a STRING, b INT, c INT"), [{ a: long, b: 1, c: 2 }]);
    const s = computeStats(b, 2);
    expect(s.minValues).toEqual({ a: "x".repeat(32), b: 1 });
    expect(s.maxValues).toEqual({ b: 1 });
    expect(s.nullCount).toEqual({ a: 0, b: 0 });
  });

  it("parses absent stats as null and refuses malformed stats naming the file", async () => {
    expect(parseStats(undefined, "f")).toBeNull();
    const e = await errorOf(() => parseStats("{bad", "part-1.parquet"));
    expect(e.code).toBe("DELTA_INVALID_STATS");
    expect(e.message).toContain("part-1.parquet");
    expect((await errorOf(() => parseStats("[1]", "f"))).code).toBe("DELTA_INVALID_STATS");
  });
});
