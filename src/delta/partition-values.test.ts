import { describe, expect, it } from "vitest";
import { DateType, DecimalType, DoubleType, IntegerType, LongType, StringType, TimestampType, BooleanType, ArrayType } from "../types/data-type.js";
import { formatPartitionValue, parsePartitionValue } from "./partition-values.js";
import { errorOf } from "./test-helpers.js";

describe("partition values", () => {
  it("parses the protocol's text forms into engine values", () => {
    expect(parsePartitionValue("", StringType, "c")).toBeNull();
    expect(parsePartitionValue(null, IntegerType, "c")).toBeNull();
    expect(parsePartitionValue("42", IntegerType, "c")).toBe(42);
    expect(parsePartitionValue("-7", LongType, "c")).toBe(-7n);
    expect(parsePartitionValue("9223372036854775807", LongType, "c")).toBe(9223372036854775807n);
    expect(parsePartitionValue("true", BooleanType, "c")).toBe(true);
    expect(parsePartitionValue("1.5", DoubleType, "c")).toBe(1.5);
    expect(parsePartitionValue("12.30", DecimalType(5, 2), "c")).toBe(1230n);
    expect(parsePartitionValue("-0.5", DecimalType(5, 2), "c")).toBe(-50n);
    expect(parsePartitionValue("2021-09-08", DateType, "c")).toBe(18878);
    expect(parsePartitionValue("2021-09-08 11:11:11", TimestampType, "c")).toBe(Date.UTC(2021, 8, 8, 11, 11, 11) * 1000);
    expect(parsePartitionValue("2021-09-08T11:11:11.000001Z", TimestampType, "c")).toBe(Date.UTC(2021, 8, 8, 11, 11, 11) * 1000 + 1);
    expect(parsePartitionValue("2021-09-08 13:11:11+02:00", TimestampType, "c")).toBe(Date.UTC(2021, 8, 8, 11, 11, 11) * 1000);
  });

  it("formats engine values and round-trips them", () => {
    const cases: [unknown, Parameters<typeof formatPartitionValue>[1]][] = [
      [42, IntegerType],
      [true, BooleanType],
      [1230n, DecimalType(5, 2)],
      [-5n, DecimalType(5, 2)],
      [18878, DateType],
      [Date.UTC(2021, 8, 8, 11, 11, 11) * 1000 + 5, TimestampType],
      ["a/b=c", StringType],
    ];
    for (const [v, t] of cases) expect(parsePartitionValue(formatPartitionValue(v, t, "c"), t, "c")).toEqual(v);
    expect(formatPartitionValue(-5n, DecimalType(5, 2), "c")).toBe("-0.05");
    expect(formatPartitionValue(null, IntegerType, "c")).toBeNull();
  });

  it("rejects malformed values and complex partition types naming the column", async () => {
    const e = await errorOf(() => parsePartitionValue("x1", IntegerType, "year"));
    expect(e.code).toBe("DELTA_INVALID_PARTITION_VALUE");
    expect(e.message).toContain("`year`");
    expect((await errorOf(() => parsePartitionValue("2021-13-45 99", TimestampType, "c"))).code).toBe("DELTA_INVALID_PARTITION_VALUE");
    expect((await errorOf(() => parsePartitionValue("maybe", BooleanType, "c"))).code).toBe("DELTA_INVALID_PARTITION_VALUE");
    expect((await errorOf(() => parsePartitionValue("1.234", DecimalType(5, 2), "c"))).code).toBe("DELTA_INVALID_PARTITION_VALUE");
    expect((await errorOf(() => parsePartitionValue("[]", ArrayType(IntegerType), "c"))).code).toBe("DELTA_UNSUPPORTED_PARTITION_TYPE");
    expect((await errorOf(() => formatPartitionValue([], ArrayType(IntegerType), "c"))).code).toBe("DELTA_UNSUPPORTED_PARTITION_TYPE");
  });
});
