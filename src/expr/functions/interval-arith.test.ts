import { describe, expect, it } from "vitest";
import { DecimalType, type DataType } from "../../types/data-type.js";
import type { RExpr } from "../resolved-expr.js";
import { call, evalCall, LA, LEGACY, lit } from "./test-support.js";

const S: DataType = { kind: "string" };
const I: DataType = { kind: "int" };
const L: DataType = { kind: "bigint" };
const F: DataType = { kind: "float" };
const TS: DataType = { kind: "timestamp" };
const DATE: DataType = { kind: "date" };
const s = (v: string): RExpr => lit(v, S);
const i = (v: number): RExpr => lit(v, I);
const usOf = (y: number, mo: number, d: number, h = 0, mi = 0, sec = 0) => Date.UTC(y, mo - 1, d, h, mi, sec) * 1000;
const ts = (y: number, mo: number, d: number, h = 0, mi = 0, sec = 0): RExpr => lit(usOf(y, mo, d, h, mi, sec), TS);
const dayOf = (y: number, mo: number, d: number) => Date.UTC(y, mo - 1, d) / 86_400_000;
const date = (y: number, mo: number, d: number): RExpr => lit(dayOf(y, mo, d), DATE);

describe("datetime ± INTERVAL (the parser's interval text; values from PySpark 4.0.1)", () => {
  it("timestamps: exact units and months on the wall clock", () => {
    // ts'2024-03-01 08:15' + INTERVAL 1 HOUR → 09:15; - INTERVAL '2' DAY → 2024-02-28 08:15; + INTERVAL 90 MINUTES → 09:45
    expect(evalCall("add", [ts(2024, 3, 1, 8, 15), s("1 hour")])).toBe(usOf(2024, 3, 1, 9, 15));
    expect(evalCall("subtract", [ts(2024, 3, 1, 8, 15), s("2 day")])).toBe(usOf(2024, 2, 28, 8, 15));
    expect(evalCall("add", [ts(2024, 3, 1, 8, 15), s("90 minutes")])).toBe(usOf(2024, 3, 1, 9, 45));
    // ts'2024-01-31 10:00' + INTERVAL 1 MONTH → 2024-02-29 10:00; - INTERVAL '1' YEAR → 2023-01-31 10:00; + INTERVAL '1 day 2 hours' → 2024-02-01 12:00
    expect(evalCall("add", [ts(2024, 1, 31, 10), s("1 month")])).toBe(usOf(2024, 2, 29, 10));
    expect(evalCall("subtract", [ts(2024, 1, 31, 10), s("1 year")])).toBe(usOf(2023, 1, 31, 10));
    expect(evalCall("add", [ts(2024, 1, 31, 10), s("1 day 2 hours")])).toBe(usOf(2024, 2, 1, 12));
    // INTERVAL 1 DAY + ts'2024-01-01 10:00' → 2024-01-02 10:00
    expect(evalCall("add", [s("1 day"), ts(2024, 1, 1, 10)])).toBe(usOf(2024, 1, 2, 10));
    expect(evalCall("add", [lit(null, TS), s("1 day")])).toBe(null);
  });
  it("runs in the session zone across DST (America/Los_Angeles)", () => {
    // ts'2024-03-09 10:00' (PST) + INTERVAL 1 DAY and + INTERVAL 24 HOURS → 2024-03-10 10:00 PDT (17:00 UTC)
    expect(evalCall("add", [ts(2024, 3, 9, 18), s("1 day")], LA)).toBe(usOf(2024, 3, 10, 17));
    expect(evalCall("add", [ts(2024, 3, 9, 18), s("24 hours")], LA)).toBe(usOf(2024, 3, 10, 17));
    // ts'2024-03-10 01:59:59' + INTERVAL 1 MINUTE → 2024-03-10 10:00:59 UTC (02:00:59 is in the gap, moved forward)
    expect(evalCall("add", [ts(2024, 3, 10, 9, 59, 59), s("1 minute")], LA)).toBe(usOf(2024, 3, 10, 10, 0, 59));
  });
  it("dates stay dates for whole days and months, become timestamps otherwise", () => {
    // date'2024-01-31' + INTERVAL 1 DAY → DATE 2024-02-01; + INTERVAL 1 MONTH → DATE 2024-02-29; date'2024-03-01' - INTERVAL '2' DAY → 2024-02-28
    expect(call("add", [date(2024, 1, 31), s("1 day")]).type).toEqual(DATE);
    expect(evalCall("add", [date(2024, 1, 31), s("1 day")])).toBe(dayOf(2024, 2, 1));
    expect(evalCall("add", [date(2024, 1, 31), s("1 month")])).toBe(dayOf(2024, 2, 29));
    expect(evalCall("subtract", [date(2024, 3, 1), s("2 day")])).toBe(dayOf(2024, 2, 28));
    // date'2024-01-31' + INTERVAL 1 HOUR → TIMESTAMP 2024-01-31 01:00; + INTERVAL '1 day 2 hours' → 2024-02-01 02:00
    expect(call("add", [date(2024, 1, 31), s("1 hour")]).type).toEqual(TS);
    expect(evalCall("add", [date(2024, 1, 31), s("1 hour")])).toBe(usOf(2024, 1, 31, 1));
    expect(evalCall("add", [date(2024, 1, 31), s("1 day 2 hours")])).toBe(usOf(2024, 2, 1, 2));
  });
  it("a string that is not an interval is still a type error", () => {
    expect(() => call("add", [ts(2024, 1, 1), s("abc")])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
    expect(() => call("subtract", [s("1 day"), ts(2024, 1, 1)])).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
  });
});

describe("try_add / try_subtract / try_multiply (PySpark 4.0.1)", () => {
  it("return null on overflow instead of failing", () => {
    // try_add(2147483647, 1) → NULL, try_subtract(-2147483648, 1) → NULL, try_multiply(3000000000L, 4000000000L) → NULL
    expect(evalCall("try_add", [i(2147483647), i(1)])).toBe(null);
    expect(evalCall("try_subtract", [i(-2147483648), i(1)])).toBe(null);
    expect(evalCall("try_multiply", [lit(3000000000, L), lit(4000000000, L)])).toBe(null);
    // try_multiply(10000000000L, 2000) → 20000000000000; try_add(7, 1) → 8; typeof(try_add(1, 2L)) → bigint
    expect(evalCall("try_multiply", [lit(10000000000, L), i(2000)])).toBe(20000000000000n);
    expect(evalCall("try_add", [i(7), i(1)])).toBe(8);
    expect(call("try_add", [i(1), lit(2, L)]).type).toEqual(L);
    // try_add(date'2024-01-01', 3) → 2024-01-04; try_subtract(date'2024-01-01', 3) → 2023-12-29
    expect(evalCall("try_add", [date(2024, 1, 1), i(3)])).toBe(dayOf(2024, 1, 4));
    expect(evalCall("try_subtract", [date(2024, 1, 1), i(3)])).toBe(dayOf(2023, 12, 29));
    // try_add(cast(99.9 as decimal(3,1)), cast(1 as decimal(3,1))) → 100.9 (DECIMAL(4,1))
    const d31 = (v: number): RExpr => lit(v, DecimalType(3, 1));
    expect(evalCall("try_add", [d31(999), d31(10)])).toBe(1009n);
    // ANSI add still fails
    expect(() => evalCall("add", [i(2147483647), i(1)])).toThrow(expect.objectContaining({ code: "ARITHMETIC_OVERFLOW" }));
    expect(() => evalCall("multiply", [lit(3000000000, L), lit(4000000000, L)])).toThrow(expect.objectContaining({ code: "ARITHMETIC_OVERFLOW" }));
    expect(() => call("try_add", [i(1)])).toThrow(expect.objectContaining({ code: "WRONG_NUM_ARGS" }));
  });
});

describe("FLOAT arithmetic types under ANSI (PySpark 4.0.1 typeof)", () => {
  it("FLOAT with an integral operand is DOUBLE; FLOAT with FLOAT stays FLOAT", () => {
    // typeof(cast(1 as float) * 2) → double, + cast(1 as float) → float, * 2L → double, - 2 → double, * cast(2 as float) → float
    const f = lit(1.5, F);
    expect(call("multiply", [f, i(2)]).type.kind).toBe("double");
    expect(call("add", [f, f]).type.kind).toBe("float");
    expect(call("multiply", [f, lit(2, L)]).type.kind).toBe("double");
    expect(call("subtract", [f, i(2)]).type.kind).toBe("double");
    expect(call("mod", [f, i(2)]).type.kind).toBe("double");
    expect(call("multiply", [f, lit(2, F)]).type.kind).toBe("float");
    expect(evalCall("multiply", [lit(Math.fround(0.001), F), i(2)])).toBe(0.0020000000949949026);
    // legacy (non-ANSI) coercion keeps FLOAT
    expect(call("multiply", [f, i(2)], LEGACY).type.kind).toBe("float");
  });
});

describe("round with a negative scale (PySpark 4.0.1)", () => {
  it("rounds left of the decimal point", () => {
    // round(1234.5678, -2) → 1200 as DECIMAL(5,0); round(-1250.5, -1) → -1250; round(1250, -2) → 1300 (INT); bround(1250, -2) → 1200
    const r = call("round", [lit(12345678, DecimalType(8, 4)), i(-2)]);
    expect(r.type).toEqual(DecimalType(5, 0));
    expect(evalCall("round", [lit(12345678, DecimalType(8, 4)), i(-2)])).toBe(1200n);
    expect(evalCall("round", [lit(-12505, DecimalType(5, 1)), i(-1)])).toBe(-1250n);
    expect(evalCall("round", [i(1250), i(-2)])).toBe(1300);
    expect(evalCall("bround", [i(1250), i(-2)])).toBe(1200);
  });
});
