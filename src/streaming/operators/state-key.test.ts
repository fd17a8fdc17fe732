import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { batchFromRows, getValue } from "../../columnar/column-batch.js";
import { StructType } from "../../types/struct-type.js";
import { decodeBinaryStateKey, isBinaryStateKey, stateKey, stateKeysOf } from "./state-key.js";

/** The keys of every row of `rows` under `ddl`, in `format`. */
function keys(ddl: string, rows: Record<string, unknown>[], format: "json" | "binary" = "binary"): string[] {
  const batch = batchFromRows(StructType.fromDDL(ddl), rows);
  const keyOf = stateKeysOf(format, batch.columns);
  return rows.map((_, i) => keyOf(i));
}

const engineValues = (ddl: string, rows: Record<string, unknown>[]): unknown[][] => {
  const batch = batchFromRows(StructType.fromDDL(ddl), rows);
  return rows.map((_, i) => batch.columns.map((c) => getValue(c, i)));
};

describe("binary state keys", () => {
  it("follow Spark's grouping equality: NaN = NaN, -0.0 = 0.0, nulls equal", () => {
    const otherNaN = new Float64Array(new BigInt64Array([0x7ff8000000000123n]).buffer)[0]!;
    expect(Number.isNaN(otherNaN)).toBe(true);
    const [a, b, c, d, e, f] = keys("d DOUBLE, r FLOAT", [
      { d: NaN, r: NaN },
      { d: otherNaN, r: NaN },
      { d: -0, r: -0 },
      { d: 0, r: 0 },
      { d: null, r: null },
      { d: null, r: null },
    ]);
    expect(a).toBe(b);
    expect(c).toBe(d);
    expect(e).toBe(f);
    expect(new Set([a, c, e]).size).toBe(3);
  });

  it("tell apart null, empty and zero, BIGINTs beyond 2^53, and column boundaries", () => {
    const ks = keys("s STRING, t STRING, b BIGINT", [
      { s: null, t: "", b: 0n },
      { s: "", t: null, b: 0n },
      { s: "", t: "", b: null },
      { s: "a", t: "bc", b: 2n ** 60n },
      { s: "ab", t: "c", b: 2n ** 60n },
      { s: "ab", t: "c", b: 2n ** 60n + 1n },
      { s: "ab", t: "c", b: -(2n ** 63n) },
    ]);
    expect(new Set(ks).size).toBe(ks.length);
  });

  it("keep any Unicode string, unpaired surrogates included, as well-formed text", () => {
    const strings = ["é", "日本", "😀", "\ud800", "\udc00x", "a\u0000b", "", "\u00ff\u0100"];
    const ks = keys("s STRING", strings.map((s) => ({ s })));
    expect(new Set(ks).size).toBe(strings.length);
    for (const k of ks) expect(Buffer.from(k, "utf8").toString("utf8")).toBe(k); // survives a UTF-8 store (LevelDB)
    expect(ks.map((k) => decodeBinaryStateKey(k, [{ kind: "string" }])[0])).toEqual(strings);
  });

  it("decode back into the engine values of every key type", () => {
    const ddl =
      "bo BOOLEAN, y TINYINT, sh SMALLINT, i INT, b BIGINT, f FLOAT, d DOUBLE, s STRING, bin BINARY, dt DATE, ts TIMESTAMP, dec DECIMAL(10,2), wide DECIMAL(30,3), w STRUCT<start: TIMESTAMP, end: TIMESTAMP>, a ARRAY<INT>, m MAP<STRING, DOUBLE>";
    const rows = [
      {
        bo: true, y: -3, sh: 300, i: -70000, b: -(2n ** 62n), f: 1.5, d: -2.75, s: "x😀", bin: new Uint8Array([0, 255, 7]), dt: new Date(Date.UTC(2024, 1, 29)),
        ts: new Date(Date.UTC(2024, 0, 1, 0, 0, 1)), dec: "12.34", wide: "123456789012345678901234567.891", w: { start: new Date(0), end: new Date(10_000) }, a: [1, null, 3], m: new Map([["k", 0.5]]),
      },
      { bo: false, y: null, sh: null, i: null, b: null, f: null, d: null, s: null, bin: null, dt: null, ts: null, dec: null, wide: null, w: null, a: null, m: null },
    ];
    const types = StructType.fromDDL(ddl).fields.map((f) => f.type);
    const ks = keys(ddl, rows);
    expect(ks.every(isBinaryStateKey)).toBe(true);
    expect(ks.map((k) => decodeBinaryStateKey(k, types))).toEqual(engineValues(ddl, rows));
  });

  it("refuses to decode a key of other types", () => {
    const [k] = keys("i INT", [{ i: 1 }]);
    expect(() => decodeBinaryStateKey(k!, [{ kind: "bigint" }])).toThrow(/ends early/);
    expect(() => decodeBinaryStateKey(k! + "\u0000", [{ kind: "int" }])).toThrow(/left after/);
  });

  it("are equal exactly when the values are equal under grouping equality (random rows)", () => {
    const ddl = "s STRING, b BIGINT, d DOUBLE";
    const row = fc.record({
      s: fc.option(fc.string({ unit: "binary", maxLength: 4 })),
      b: fc.option(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })),
      d: fc.option(fc.oneof(fc.constantFrom(NaN, -0, 0, Infinity), fc.double())),
    });
    const canonical = (r: { s: string | null; b: bigint | null; d: number | null }) => JSON.stringify([r.s, r.b === null ? null : String(r.b), r.d === null ? null : Number.isNaN(r.d) ? "NaN" : String(r.d === 0 ? 0 : r.d)]);
    fc.assert(
      fc.property(fc.array(row, { minLength: 2, maxLength: 20 }), (rows) => {
        const ks = keys(ddl, rows);
        for (let i = 0; i < rows.length; i++) {
          for (let j = 0; j < rows.length; j++) expect(ks[i] === ks[j]).toBe(canonical(rows[i]!) === canonical(rows[j]!));
          // a key holds the canonical value: -0.0 comes back as 0.0
          const expected = engineValues(ddl, [rows[i]!])[0]!.map((v) => (v === 0 ? 0 : v));
          expect(decodeBinaryStateKey(ks[i]!, StructType.fromDDL(ddl).fields.map((f) => f.type))).toEqual(expected);
        }
      }),
    );
  });
});

describe("json state keys (checkpoints from before binary keys)", () => {
  it("are the JSON text of the canonical key values, as before", () => {
    const ddl = "s STRING, b BIGINT, d DOUBLE";
    const rows = [{ s: "日本", b: 2n ** 60n + 1n, d: NaN }, { s: null, b: 0n, d: -0 }];
    expect(keys(ddl, rows, "json")).toEqual(['["日本","\\u0000L1152921504606846977","\\u0000NaN"]', "[null,0,0]"]);
    expect(keys(ddl, rows, "json")).toEqual(engineValues(ddl, rows).map(stateKey));
    expect(keys(ddl, rows, "json").some(isBinaryStateKey)).toBe(false);
  });
});
