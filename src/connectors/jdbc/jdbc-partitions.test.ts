import { describe, expect, it } from "vitest";
import { StructType } from "../../types/struct-type.js";
import { columnPartition, partitionWhereClauses } from "./jdbc-partitions.js";

const num = (v: bigint) => v.toString();

describe("columnPartition (Spark's JDBCRelation stride semantics)", () => {
  it("cuts [0, 100) into 4 strides, nulls in the first partition, open-ended first and last", () => {
    expect(columnPartition('"id"', 0n, 100n, 4, num)).toEqual(['"id" < 25 or "id" is null', '"id" >= 25 AND "id" < 50', '"id" >= 50 AND "id" < 75', '"id" >= 75']);
  });

  it("reduces numPartitions to upper - lower when that is smaller (JDBCSuite: bounds 1..5, 10 partitions give 4)", () => {
    expect(columnPartition('"id"', 1n, 5n, 10, num)).toHaveLength(4);
  });

  it("gives one partition without WHERE for equal bounds or numPartitions 1", () => {
    expect(columnPartition('"id"', 5n, 5n, 4, num)).toEqual([null]);
    expect(columnPartition('"id"', 0n, 100n, 1, num)).toEqual([null]);
  });

  it("refuses lowerBound > upperBound with Spark's message", () => {
    expect(() => columnPartition('"id"', 5n, 1n, 3, num)).toThrow("Operation not allowed: the lower bound of partitioning column is larger than the upper bound. Lower bound: 5; Upper bound: 1");
  });

  it("realigns the first bound by half the strides lost to truncation (JDBCSuite SPARK-34843, 1000 date partitions)", () => {
    const schema = StructType.fromDDL("PartitionColumn DATE");
    const parts = partitionWhereClauses(schema, { column: "PartitionColumn", lowerBound: "1930-01-01", upperBound: "2020-12-31", numPartitions: 1000 }, "UTC");
    expect(parts[0]).toBe(`"PartitionColumn" < '1930-06-02' or "PartitionColumn" is null`);
    expect(parts[999]).toBe(`"PartitionColumn" >= '2020-08-02'`);
  });

  it("does not overflow with the widest long bounds", () => {
    const parts = columnPartition('"id"', -(2n ** 63n), 2n ** 63n - 1n, 3, num);
    expect(parts).toHaveLength(3);
    expect(parts[1]).toMatch(/^"id" >= -?\d+ AND "id" < -?\d+$/);
  });

  it("checks the partition column: present (any case) and numeric, date or timestamp", () => {
    const schema = StructType.fromDDL("id INT, name STRING, ts TIMESTAMP");
    expect(partitionWhereClauses(schema, { column: "ID", lowerBound: "0", upperBound: "10", numPartitions: 2 }, "UTC")).toEqual(['"id" < 5 or "id" is null', '"id" >= 5']);
    expect(partitionWhereClauses(schema, { column: "ts", lowerBound: "2024-01-01", upperBound: "2024-01-03", numPartitions: 2 }, "UTC")).toEqual([`"ts" < '2024-01-02 00:00:00' or "ts" is null`, `"ts" >= '2024-01-02 00:00:00'`]);
    expect(() => partitionWhereClauses(schema, { column: "nope", lowerBound: "0", upperBound: "1", numPartitions: 2 }, "UTC")).toThrow(/User-defined partition column nope not found in the JDBC relation/);
    expect(() => partitionWhereClauses(schema, { column: "name", lowerBound: "0", upperBound: "1", numPartitions: 2 }, "UTC")).toThrow(/Partition column type should be numeric, date, or timestamp, but string found/);
    expect(() => partitionWhereClauses(schema, { column: "id", lowerBound: "zero", upperBound: "1", numPartitions: 2 }, "UTC")).toThrow(/Cannot parse the bound value zero as int \(option lowerBound\)/);
  });
});
