import { describe, expect, it } from "vitest";
import type { DataType } from "../../types/data-type.js";
import type { RExpr } from "../resolved-expr.js";
import { call, evalCall, LEGACY, lit } from "./test-support.js";

const S: DataType = { kind: "string" };
const I: DataType = { kind: "int" };
const s = (v: string): RExpr => lit(v, S);
const i = (v: number): RExpr => lit(v, I);

describe("more string functions (values from PySpark 4.0.1)", () => {
  it("substring_index, btrim, overlay", () => {
    // substring_index('a.b.c', '.', 2) → 'a.b', (…, -2) → 'b.c', (…, 0) → '', ('a.b.c', 'x', 1) → 'a.b.c'
    expect(evalCall("substring_index", [s("a.b.c"), s("."), i(2)])).toBe("a.b");
    expect(evalCall("substring_index", [s("a.b.c"), s("."), i(-2)])).toBe("b.c");
    expect(evalCall("substring_index", [s("a.b.c"), s("."), i(0)])).toBe("");
    expect(evalCall("substring_index", [s("a.b.c"), s("x"), i(1)])).toBe("a.b.c");
    // btrim('  ab  ') → 'ab', btrim('xxabxx', 'x') → 'ab'; overlay('Spark SQL' PLACING '_' FROM 6) → 'Spark_SQL'
    expect(evalCall("btrim", [s("  ab  ")])).toBe("ab");
    expect(evalCall("btrim", [s("xxabxx"), s("x")])).toBe("ab");
    expect(evalCall("overlay", [s("Spark SQL"), s("_"), i(6)])).toBe("Spark_SQL");
    expect(evalCall("overlay", [s("Spark SQL"), s("ANSI "), i(7), i(0)])).toBe("Spark ANSI SQL");
  });
  it("levenshtein and soundex", () => {
    // levenshtein('kitten', 'sitting') → 3, with threshold 2 → -1
    expect(evalCall("levenshtein", [s("kitten"), s("sitting")])).toBe(3);
    expect(evalCall("levenshtein", [s("kitten"), s("sitting"), i(2)])).toBe(-1);
    // soundex: Robert → R163, '' → '', Tymczak → T522, Ashcraft → A261, 1abc → 1abc, Pfister → P236, Lloyd → L300
    const cases: [string, string][] = [["Robert", "R163"], ["", ""], ["Tymczak", "T522"], ["Ashcraft", "A261"], ["1abc", "1abc"], ["Pfister", "P236"], ["Lloyd", "L300"]];
    for (const [x, want] of cases) expect(evalCall("soundex", [s(x)])).toBe(want);
  });
  it("elt and find_in_set", () => {
    // elt(2, 'a', 'b') → 'b'; elt(0, 'a') → [INVALID_ARRAY_INDEX] under ANSI, NULL otherwise
    expect(evalCall("elt", [i(2), s("a"), s("b")])).toBe("b");
    expect(() => evalCall("elt", [i(0), s("a")])).toThrow(expect.objectContaining({ code: "INVALID_ARRAY_INDEX" }));
    expect(evalCall("elt", [i(5), s("a")], LEGACY)).toBe(null);
    // find_in_set('b', 'a,b,c') → 2, find_in_set('d', 'a,b') → 0
    expect(evalCall("find_in_set", [s("b"), s("a,b,c")])).toBe(2);
    expect(evalCall("find_in_set", [s("d"), s("a,b")])).toBe(0);
  });
  it("regexp_count, regexp_substr, dayname, monthname", () => {
    // regexp_count('aXbXc', 'X') → 2; regexp_substr('abc123def', '[0-9]+') → '123', no match → NULL
    expect(evalCall("regexp_count", [s("aXbXc"), s("X")])).toBe(2);
    expect(evalCall("regexp_substr", [s("abc123def"), s("[0-9]+")])).toBe("123");
    expect(evalCall("regexp_substr", [s("abc"), s("[0-9]+")])).toBe(null);
    // dayname(date'2024-03-05') → 'Tue', monthname(…) → 'Mar'
    const d = lit(Date.UTC(2024, 2, 5) / 86_400_000, { kind: "date" });
    expect(evalCall("dayname", [d])).toBe("Tue");
    expect(evalCall("monthname", [d])).toBe("Mar");
  });
  it("rejects wrong arguments at analysis", () => {
    const arr: DataType = { kind: "array", elementType: I, containsNull: false };
    expect(() => call("substring_index", [s("a"), s(".")])).toThrow(expect.objectContaining({ code: "WRONG_NUM_ARGS" }));
    expect(() => call("soundex", [lit([1], arr)])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
    expect(() => call("elt", [i(1)])).toThrow(expect.objectContaining({ code: "WRONG_NUM_ARGS" }));
    expect(() => call("dayname", [i(1)])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
    expect(() => call("levenshtein", [s("a"), s("b"), lit([1], arr)])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
  });
});
