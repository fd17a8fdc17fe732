/**
 * The parity runner's own machinery: typed JSON, comparison rules, case validation, the skip list
 * and the steps interpreter (against a recording fake, so these run without the engine).
 */
import { describe, expect, it } from "vitest";
import type { DataType } from "../../../src/types/data-type.js";
import { buildFromSteps, sortColumn } from "./build-query.js";
import { loadCases, loadExpected, parseSkipList, validateCase } from "./cases.js";
import { acceptedErrorCodes, compareRows, errorCodeMatches, toMillisecondText, valueMatches } from "./compare.js";
import { ddlOf, decodeValue, encodeValue, formatTimestamp, withoutNullability } from "./typed-json.js";

const D: DataType = { kind: "double" };
const L: DataType = { kind: "bigint" };
const S: DataType = { kind: "string" };

describe("typed JSON", () => {
  it("round-trips every type through Sluice row values", () => {
    const cases: [DataType, unknown][] = [
      [{ kind: "timestamp" }, "2024-03-04 10:10:10.250000"],
      [{ kind: "timestamp" }, "2024-03-04 10:10:10"],
      [{ kind: "date" }, "2024-02-29"],
      [{ kind: "decimal", precision: 10, scale: 2 }, "12.50"],
      [D, "NaN"],
      [D, "-Infinity"],
      [D, 0.1],
      [{ kind: "binary" }, "AAEC/w=="],
      [{ kind: "array", elementType: S, containsNull: true }, ["a", null]],
      [{ kind: "map", keyType: S, valueType: D, valueContainsNull: true }, [["x", 1.5], ["y", null]]],
      [{ kind: "struct", fields: [{ name: "p", type: L, nullable: true }] }, { p: 3 }],
    ];
    for (const [t, v] of cases) expect(encodeValue(t, decodeValue(t, v as never))).toEqual(v);
  });
  it("keeps BIGINT beyond 2^53 as decimal strings", () => {
    expect(decodeValue(L, "9007199254740993")).toBe(9007199254740993n);
    expect(encodeValue(L, 9007199254740993n)).toBe("9007199254740993");
    expect(encodeValue(L, 2 ** 60)).toBe("1152921504606846976");
  });
  it("rejects values that do not fit the type, naming both", () => {
    expect(() => decodeValue({ kind: "date" }, "03/01/2024")).toThrow(/cannot decode "03\/01\/2024" as date/);
    expect(() => decodeValue({ kind: "decimal", precision: 5, scale: 1 }, 1.5)).toThrow(/as decimal/);
    expect(() => encodeValue({ kind: "timestamp" }, "2024-01-01")).toThrow(/cannot encode/);
  });
  it("formats timestamps in UTC with microseconds only when present", () => {
    expect(formatTimestamp(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)))).toBe("2024-01-02 03:04:05.006000");
    expect(formatTimestamp(new Date(Date.UTC(2024, 0, 2)))).toBe("2024-01-02 00:00:00");
  });
  it("writes schemas as the oracle does", () => {
    const schema = {
      kind: "struct" as const,
      fields: [
        { name: "count(1)", type: L, nullable: false },
        { name: "m", type: { kind: "map" as const, keyType: S, valueType: { kind: "decimal" as const, precision: 10, scale: 2 }, valueContainsNull: true }, nullable: true },
        { name: "s", type: { kind: "struct" as const, fields: [{ name: "a", type: S, nullable: false }] }, nullable: true },
      ],
    };
    expect(ddlOf(schema)).toBe("`count(1)` BIGINT NOT NULL, m MAP<STRING, DECIMAL(10,2)>, s STRUCT<a: STRING NOT NULL>");
    expect(ddlOf(schema, false)).toBe(withoutNullability(ddlOf(schema)));
  });
});

describe("comparison", () => {
  it("compares doubles with a relative tolerance of 1e-9 and specials exactly", () => {
    expect(valueMatches(D, 0.3, 0.1 + 0.2)).toBe(true);
    expect(valueMatches(D, 1e6, 1e6 * (1 + 2e-9))).toBe(false);
    expect(valueMatches(D, "NaN", "NaN")).toBe(true);
    expect(valueMatches(D, "NaN", 0)).toBe(false);
    expect(valueMatches(D, -0, 0)).toBe(true);
    expect(valueMatches(D, null, 0)).toBe(false);
  });
  it("compares BIGINT exactly by digits (also beyond 2^53) and decimals by digits", () => {
    expect(valueMatches(L, "9007199254740993", "9007199254740992")).toBe(false);
    expect(valueMatches(L, "9007199254740993", "9007199254740993")).toBe(true);
    expect(valueMatches(L, 5, 6)).toBe(false);
    const dec: DataType = { kind: "decimal", precision: 38, scale: 18 };
    expect(valueMatches(dec, "0.100000000000000000", "0.100000000000000001")).toBe(false);
    expect(valueMatches(dec, "12345678901234567890.123456789012345678", "12345678901234567890.123456789012345678")).toBe(true);
    expect(valueMatches({ kind: "decimal", precision: 5, scale: 2 }, "2.35", "2.34")).toBe(false);
  });
  it("compares timestamps at millisecond precision", () => {
    const TS: DataType = { kind: "timestamp" };
    expect(valueMatches(TS, "2024-05-01 10:09:59.999999", "2024-05-01 10:09:59.999000")).toBe(true);
    expect(valueMatches(TS, "2024-05-01 10:00:00.000500", "2024-05-01 10:00:00")).toBe(true);
    expect(valueMatches(TS, "2024-05-01 10:00:00.002", "2024-05-01 10:00:00.001")).toBe(false);
    expect(toMillisecondText("2024-05-01 10:00:00.25")).toBe("2024-05-01 10:00:00.250");
  });
  it("compares unordered results as multisets and ordered ones in order", () => {
    const rows = [[1, "a"], [2, "b"], [2, "b"]];
    expect(compareRows([L, S], rows, [[2, "b"], [1, "a"], [2, "b"]], false).ok).toBe(true);
    expect(compareRows([L, S], rows, [[2, "b"], [1, "a"], [2, "b"]], true)).toMatchObject({ ok: false, firstMismatch: 0 });
    expect(compareRows([L, S], rows, [[1, "a"], [2, "b"]], false)).toMatchObject({ ok: false, firstMismatch: 2 });
    expect(compareRows([D], [[0.30000000000000004], [0.1]], [[0.1], [0.3]], false).ok).toBe(true);
  });
  it("accepts an error condition or its main class", () => {
    expect([...acceptedErrorCodes(["FAILED_READ_FILE.NO_HINT", "MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION"])]).toEqual([
      "FAILED_READ_FILE.NO_HINT",
      "FAILED_READ_FILE",
      "MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION",
      "MALFORMED_RECORD_IN_PARSING",
    ]);
    expect(errorCodeMatches(["UNRESOLVED_COLUMN.WITH_SUGGESTION"], "UNRESOLVED_COLUMN")).toBe(true);
    expect(errorCodeMatches(["UNRESOLVED_COLUMN.WITH_SUGGESTION"], "DIVIDE_BY_ZERO")).toBe(false);
    expect(errorCodeMatches(["_LEGACY_ERROR_TEMP_1201"], "UNRESOLVED_COLUMN")).toBe(true);
  });
});

describe("corpus", () => {
  it("validates case shape and reports every problem", () => {
    expect(() => validateCase("x/1", { sql: "SELECT 1", steps: [], bogus: 1 })).toThrow(/unknown key "bogus".*exactly one of/);
    expect(() => validateCase("x/2", { steps: [], input: "t" })).toThrow(/input "t" is not among tables/);
    expect(() => validateCase("x/3", [])).toThrow(/not a JSON object/);
  });
  it("has at least 150 cases, each with an expected file", () => {
    const cases = loadCases();
    expect(cases.length).toBeGreaterThanOrEqual(150);
    expect(cases.filter((c) => loadExpected(c.id) === undefined).map((c) => c.id)).toEqual([]);
  });
  it("reads the skip list from DIFFERENCES.md", () => {
    const md = "# Differences\n\nintro\n\n## Skipped cases\n\n- `cast/003-x`: reason one\n- `join/010-y` — reason two\n\n## Other\n- `no/skip`: not here\n";
    expect([...parseSkipList(md)]).toEqual([["cast/003-x", "reason one"], ["join/010-y", "reason two"]]);
  });
});

describe("steps interpreter", () => {
  /** A fake DataFrame/Column that records the calls it receives. */
  const fake = (log: string[], name: string): never =>
    new Proxy(
      {},
      {
        get: (_t, prop) => {
          if (prop === "__name") return name;
          return (...args: unknown[]) => {
            const shown = args.map((a) => (typeof a === "object" && a !== null ? (a as { __name: string }).__name : JSON.stringify(a)));
            log.push(`${name}.${String(prop)}(${shown.join(", ")})`);
            return fake(log, `${name}.${String(prop)}()`);
          };
        },
      },
    ) as never;
  const api = (log: string[]) => ({ expr: (s: string) => fake(log, `expr(${s})`) });

  it("parses sort specs with Spark's null ordering defaults", () => {
    const log: string[] = [];
    for (const spec of ["x", "x DESC", "a + b desc nulls first", "y ASC NULLS LAST"]) sortColumn(api(log), spec);
    expect(log).toEqual(["expr(x).asc_nulls_first()", "expr(x).desc_nulls_last()", "expr(a + b).desc_nulls_first()", "expr(y).asc_nulls_last()"]);
  });
  it("rejects unknown ops, unknown tables and dangling groupBy", () => {
    const log: string[] = [];
    const frames = new Map([["t", fake(log, "t")]]);
    const c = (steps: object[]) => validateCase("x/1", { tables: ["t"], input: "t", steps });
    expect(() => buildFromSteps(api(log), c([{ op: "pivot" }]), frames)).toThrow(/unknown step op "pivot"/);
    expect(() => buildFromSteps(api(log), c([{ op: "union", args: ["u"] }]), frames)).toThrow(/unknown table "u"/);
    expect(() => buildFromSteps(api(log), c([{ op: "groupBy", args: ["k"] }]), frames)).toThrow(/groupBy must be followed by agg/);
    expect(() => buildFromSteps(api(log), c([{ op: "limit", args: ["2"] }]), frames)).toThrow(/must be a number/);
    expect(() => buildFromSteps(api(log), c([{ op: "filter", args: [1] }]), frames)).toThrow(/must be a string/);
    expect(() => buildFromSteps(api(log), c([{ op: "join", args: ["t", 3] }]), frames)).toThrow(/"on" must be/);
  });
});
