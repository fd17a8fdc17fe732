import { describe, expect, it } from "vitest";
import { vectorFromValues } from "../columnar/column-batch.js";
import type { DataType } from "../types/data-type.js";
import { StructType } from "../types/struct-type.js";
import { fromWire, toWire } from "./vector-wire.js";

const WINDOW = StructType.fromDDL("start TIMESTAMP, end TIMESTAMP");
const MIXED = StructType.fromDDL("n BIGINT, b BOOLEAN, x DOUBLE");
const WITH_STRING = StructType.fromDDL("s STRING, n INT");

/** Through a real structured clone with the transfer list, as postMessage sends it. */
function roundTrip(types: DataType[], values: unknown[][]): { back: unknown[][]; sent: unknown[] } {
  const vectors = types.map((t, k) => vectorFromValues(t, values[k]!));
  const { columns, transfer } = toWire(vectors);
  const received = structuredClone(columns, { transfer });
  return { back: fromWire(received, types).map((v) => Array.from({ length: v.length }, (_, i) => (v.validity && v.validity[i] === 0 ? null : v.values[i]))), sent: columns.map((c) => c.values) };
}

describe("vector wire", () => {
  it("a struct of typed fields crosses as one typed column per field, nulls kept at both levels", () => {
    const windows = [{ start: 0, end: 60e6 }, null, { start: 60e6, end: null }];
    const mixed = [{ n: 2n ** 60n, b: true, x: -0.5 }, { n: null, b: false, x: NaN }, null];
    const { back, sent } = roundTrip([WINDOW, MIXED], [windows, mixed]);
    expect(back).toEqual([windows, mixed]);
    expect(sent.every((v) => typeof v === "object" && v !== null && "present" in v)).toBe(true);
  });

  it("a struct with a string field, and strings, still arrive as they were", () => {
    const rows = [{ s: "é", n: 1 }, null, { s: null, n: null }];
    const { back, sent } = roundTrip([WITH_STRING, { kind: "string" }], [rows, ["a", null, "ü"]]);
    expect(back).toEqual([rows, ["a", null, "ü"]]);
    expect(Array.isArray(sent[0])).toBe(true);
  });
});
