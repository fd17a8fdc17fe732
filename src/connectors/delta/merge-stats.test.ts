import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { batchFromRows, concatBatches } from "../../columnar/column-batch.js";
import { computeStats } from "../../delta/stats.js";
import { StructType } from "../../types/struct-type.js";
import { mergeStats } from "./merge-stats.js";

const S = StructType.fromDDL("i INT, d DOUBLE, s STRING, day DATE, ts TIMESTAMP, p STRUCT<x: BIGINT, y: STRING>");
const row = fc.record({
  i: fc.option(fc.integer({ min: -1000, max: 1000 })),
  d: fc.option(fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constant(Number.NaN))),
  s: fc.option(fc.string({ maxLength: 8 })),
  day: fc.option(fc.date({ min: new Date("1900-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }).map((x) => new Date(Date.UTC(x.getUTCFullYear(), x.getUTCMonth(), x.getUTCDate())))),
  ts: fc.option(fc.date({ min: new Date("1970-01-01"), max: new Date("2100-01-01"), noInvalidDate: true })),
  p: fc.option(fc.record({ x: fc.option(fc.integer()), y: fc.option(fc.string({ maxLength: 4 })) })),
});

describe("mergeStats", () => {
  it("stats merged batch by batch equal the stats of all the rows at once", () => {
    fc.assert(
      fc.property(fc.array(fc.array(row, { maxLength: 20 }), { minLength: 1, maxLength: 5 }), (parts) => {
        const batches = parts.map((rs) => batchFromRows(S, rs));
        const merged = batches.map((b) => computeStats(b)).reduce((a, b) => mergeStats(S, a, b));
        expect(merged).toEqual(computeStats(concatBatches(S, batches)));
      }),
      { numRuns: 200 },
    );
  });

  it("a string max longer than the kept prefix in any batch leaves the file's max out", () => {
    const T = StructType.fromDDL("s STRING");
    const long = "z".repeat(40);
    const a = computeStats(batchFromRows(T, [{ s: "a" }, { s: long }]));
    const b = computeStats(batchFromRows(T, [{ s: "b" }]));
    expect(mergeStats(T, a, b)).toEqual({ numRecords: 3, minValues: { s: "a" }, maxValues: {}, nullCount: { s: 0 } });
    expect(mergeStats(T, b, computeStats(batchFromRows(T, [{ s: null }])))).toEqual({ numRecords: 2, minValues: { s: "b" }, maxValues: { s: "b" }, nullCount: { s: 1 } });
  });
});
