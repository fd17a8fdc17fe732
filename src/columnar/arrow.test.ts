import * as arrow from "apache-arrow";
import { describe, expect, it } from "vitest";
import { StructType } from "../types/struct-type.js";
import { arrowToBatch, arrowTypeToSpark, batchesToArrow } from "./arrow.js";
import { batchFromRows, batchToRows, getValue } from "./column-batch.js";

const schema = StructType.fromDDL(
  "s STRING, b BOOLEAN, i INT, l BIGINT, f FLOAT, d DOUBLE, dec DECIMAL(10,2), dt DATE, ts TIMESTAMP, bin BINARY, " +
    "arr ARRAY<INT>, m MAP<STRING, INT>, st STRUCT<x: INT, y: ARRAY<STRING>>",
);
const rows = [
  {
    s: "héllo",
    b: true,
    i: -5,
    l: -9223372036854775808n,
    f: 1.5,
    d: 2.25,
    dec: "-123.45",
    dt: new Date("2024-02-29T00:00:00Z"),
    ts: new Date("1969-12-31T23:59:59.123Z"),
    bin: new Uint8Array([1, 2, 3]),
    arr: [1, null, 3],
    m: new Map([["k", 1]]),
    st: { x: 7, y: ["a", null] },
  },
  { s: null, b: null, i: null, l: null, f: null, d: null, dec: null, dt: null, ts: null, bin: null, arr: null, m: null, st: null },
  { s: "", b: false, i: 2147483647, l: 3_000_000_000n, f: -0.5, d: NaN, dec: "0.01", dt: new Date(0), ts: new Date("2024-01-01T10:00:00Z"), bin: new Uint8Array(), arr: [], m: new Map(), st: { x: null, y: null } },
];

describe("Arrow bridge", () => {
  it("maps Spark types to Arrow types as Spark does", () => {
    const t = batchesToArrow(schema, [batchFromRows(schema, rows)]);
    const types = Object.fromEntries(t.schema.fields.map((f) => [f.name, String(f.type)]));
    expect(types.l).toBe("Int64");
    expect(types.ts).toBe("Timestamp<MICROSECOND, UTC>");
    expect(types.dt).toBe("Date32<DAY>");
    expect(types.dec).toBe("Decimal[10e+2]");
    expect(types.m).toBe("Map<{key:Utf8, value:Int32}>");
  });

  it("round-trips every type, nulls and nested values", () => {
    const batch = batchFromRows(schema, rows);
    const table = batchesToArrow(schema, [batch, batch]);
    expect(table.numRows).toBe(6);
    // Arrow's own readers see the same values.
    expect(table.getChild("l")!.get(0)).toBe(-9223372036854775808n);
    expect(table.getChild("ts")!.get(0)).toBe(-877) // arrow-js reads timestamps as epoch ms;
    expect(table.getChild("s")!.get(0)).toBe("héllo");
    const back = arrowToBatch(table);
    expect(back.schema.toDDL()).toBe(schema.toDDL());
    const got = batchToRows(back);
    expect(got.slice(0, 3)).toEqual(rows);
    expect(got.slice(3)).toEqual(rows);
  });

  it("survives an IPC round trip", () => {
    const table = batchesToArrow(schema, [batchFromRows(schema, rows)]);
    const back = arrowToBatch(arrow.tableFromIPC(arrow.tableToIPC(table)));
    expect(batchToRows(back)).toEqual(rows);
  });

  it("gives an empty table one empty record batch", () => {
    const t = batchesToArrow(schema, []);
    expect(t.numRows).toBe(0);
    expect(arrowToBatch(t).numRows).toBe(0);
  });

  it("widens Arrow types as Spark reads them", () => {
    const t = arrow.tableFromArrays({
      i8: Int8Array.from([1, -2]),
      u32: Uint32Array.from([4294967295, 0]),
      i64: BigInt64Array.from([-5n, 1n << 40n]),
      f32: Float32Array.from([1.5, 2]),
    });
    const b = arrowToBatch(t);
    expect(b.schema.toDDL()).toBe("i8 TINYINT NOT NULL, u32 BIGINT NOT NULL, i64 BIGINT NOT NULL, f32 FLOAT NOT NULL");
    expect(batchToRows(b)).toEqual([
      { i8: 1, u32: 4294967295n, i64: -5n, f32: 1.5 },
      { i8: -2, u32: 0n, i64: 2n ** 40n, f32: 2 },
    ]);
  });

  it("reads large_utf8, dictionaries and any timestamp unit as µs; zone-less milliseconds as TIMESTAMP_NTZ", () => {
    const vs = arrow.vectorFromArray(["a", "bb", null], new arrow.LargeUtf8());
    const dict = arrow.vectorFromArray(["x", "y", "x"], new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()));
    const ns = arrow.makeVector({ type: new arrow.TimestampNanosecond("America/New_York"), data: BigInt64Array.from([1_500_000_001n, -1n]), length: 2 } as never);
    const ms = arrow.makeVector({ type: new arrow.TimestampMillisecond(), data: BigInt64Array.from([1500n, 0n]), length: 2 } as never);
    const t = new arrow.Table({ s: vs.slice(0, 2), d: dict.slice(0, 2), ns, ms } as never);
    const b = arrowToBatch(t);
    expect(b.schema.toDDL()).toBe("s STRING, d STRING, ns TIMESTAMP, ms TIMESTAMP_NTZ");
    expect(getValue(b.columns[0]!, 1)).toBe("bb");
    expect(getValue(b.columns[1]!, 1)).toBe("y");
    expect(getValue(b.columns[2]!, 0)).toBe(1_500_000);
    expect(getValue(b.columns[2]!, 1)).toBe(-1);
    expect(getValue(b.columns[3]!, 0)).toBe(1_500_000);
  });

  it("rejects Arrow types without a Spark equivalent", () => {
    expect(() => arrowTypeToSpark(new arrow.TimeSecond())).toThrow(expect.objectContaining({ code: "UNSUPPORTED_ARROW_TYPE" }));
  });
});
