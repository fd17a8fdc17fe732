import { describe, expect, it } from "vitest";
import type { DataType } from "../../types/data-type.js";
import type { RExpr } from "../resolved-expr.js";
import { call, evalCall, lit } from "./test-support.js";

const S: DataType = { kind: "string" };
const struct = (fields: Record<string, [DataType, unknown]>): RExpr =>
  lit(Object.fromEntries(Object.entries(fields).map(([k, [, v]]) => [k, v])), { kind: "struct", fields: Object.entries(fields).map(([name, [type]]) => ({ name, type, nullable: true })) });
const opts = (o: Record<string, string>): RExpr => lit(new Map(Object.entries(o)), { kind: "map", keyType: S, valueType: S, valueContainsNull: false });
const code = (c: string) => expect.objectContaining({ code: c });

describe("to_csv (facts from PySpark 4.0.1; parity cases csv-functions/017-019)", () => {
  it("writes one record: quoting, trimming, exact BIGINT, line breaks quoted", () => {
    // to_csv(named_struct('a', '', 'b', 'q"x', 'c', ' s ')) → "","q\"x",s
    expect(evalCall("to_csv", [struct({ a: [S, ""], b: [S, 'q"x'], c: [S, " s "] })])).toBe('"","q\\"x",s');
    expect(evalCall("to_csv", [struct({ a: [{ kind: "bigint" }, 9007199254740993n], b: [S, "l1\nl2"], c: [S, null] })])).toBe('9007199254740993,"l1\nl2",');
    expect(evalCall("to_csv", [struct({ a: [S, "x"], b: [{ kind: "int" }, 2] }), opts({ sep: "\\t", quoteAll: "true" })])).toBe('"x"\t"2"');
  });
  it("refuses what it cannot write, by name", () => {
    expect(() => call("to_csv", [lit(1, { kind: "int" })])).toThrow(code("DATATYPE_MISMATCH"));
    expect(() => call("to_csv", [struct({ a: [S, "x"] }), opts({ header: "true" })])).toThrow(/'header' is not a to_csv option/);
    expect(() => call("to_csv", [struct({ a: [S, "x"] }), opts({ quoteAll: "yes" })])).toThrow(code("INVALID_OPTION"));
    expect(() => evalCall("to_csv", [struct({ a: [{ kind: "binary" }, new Uint8Array([65])] })])).toThrow(code("UNSUPPORTED_DATATYPE"));
  });
});
