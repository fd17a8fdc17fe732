import { describe, expect, it } from "vitest";
import { DateType, DecimalType, DoubleType, IntegerType } from "../../types/data-type.js";
import { aggregate, aggregateAll, aggregateMerged, col, ctx, fn, infos } from "./test-kit.js";

// PySpark 4.0.1:
//   stddev, var_samp, stddev_pop over (1.0),(2.0),(4.0) -> 1.5275252316519465, 2.333333333333333, 1.247219128924647
//   stddev, variance over decimal 1.50, 2.25 -> 0.5303300858899106, 0.28125
//   over a single row (1.0): stddev, var_samp -> None ; stddev_pop, var_pop -> 0.0
//   over only nulls -> None for all ; stddev(1e8+1, 1e8+2, 1e8+3) -> 1.0, var_pop -> 0.6666666666666666
describe("stddev / variance family", () => {
  const v = col(DoubleType, [1, 2, 4]);
  it("match Spark's values", () => {
    expect(aggregateAll("stddev", [v])).toBe(1.5275252316519465);
    expect(aggregateAll("std", [v])).toBe(1.5275252316519465);
    expect(aggregateAll("var_samp", [v])).toBe(2.333333333333333);
    expect(aggregateAll("variance", [v])).toBe(2.333333333333333);
    expect(aggregateAll("stddev_pop", [v])).toBe(1.247219128924647);
    expect(aggregateAll("stddev", [col(DoubleType, [1.5, 2.25])])).toBe(0.5303300858899106);
    expect(aggregateAll("variance", [col(DoubleType, [1.5, 2.25])])).toBe(0.28125);
  });
  it("stay accurate for large values with small spread", () => {
    const big = col(DoubleType, [1e8 + 1, 1e8 + 2, 1e8 + 3]);
    expect(aggregateAll("stddev_samp", [big])).toBe(1);
    expect(aggregateAll("var_pop", [big])).toBeCloseTo(0.6666666666666666, 12);
  });
  it("give null for empty groups and for one row in the sample variants", () => {
    const one = col(DoubleType, [1]);
    expect(aggregateAll("stddev", [one])).toBe(null);
    expect(aggregateAll("var_samp", [one])).toBe(null);
    expect(aggregateAll("stddev_pop", [one])).toBe(0);
    expect(aggregateAll("var_pop", [one])).toBe(0);
    expect(aggregate("var_pop", [col(DoubleType, [1, null, 3])], [0, 1, 0])).toEqual([1, null]);
  });
  it("merge partial states (Chan's formula) to the same answer", () => {
    const xs = col(DoubleType, [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, null]);
    const g = [0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1];
    const whole = aggregate("var_samp", [xs], g) as number[];
    const merged = aggregateMerged("var_samp", [xs], g, 5) as number[];
    merged.forEach((m, i) => expect(m).toBeCloseTo(whole[i]!, 12));
    expect(aggregateMerged("stddev_pop", [xs], g, 0)).toEqual(aggregate("stddev_pop", [xs], g));
  });
  it("cast numbers to DOUBLE and reject other types", () => {
    expect(fn("stddev").resolve(infos([col(IntegerType, [])]), ctx, false).argTypes).toEqual([DoubleType]);
    expect(fn("stddev").resolve(infos([col(DecimalType(5, 2), [])]), ctx, false).returnType).toEqual(DoubleType);
    expect(() => fn("stddev").resolve(infos([col(DateType, [])]), ctx, false)).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
  });
});
