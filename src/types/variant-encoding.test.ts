import { describe, expect, it } from "vitest";
import { SluiceError } from "../common/errors.js";
import { variantToJson } from "../expr/functions/variant-to-json.js";
import { VariantBuilder } from "./variant-builder.js";
import { arrayElement, containerInfo, objectField, readDecimal, readLong, readString, variantKind } from "./variant-encoding.js";
import { MalformedJson, parseJsonToVariant } from "./variant-from-json.js";
import { VariantVal } from "./variant-val.js";

const bytes = (...xs: (number | string)[]) => new Uint8Array(xs.flatMap((x) => (typeof x === "string" ? [...Buffer.from(x)] : [x])));

describe("variant binary encoding (bytes recorded from PySpark 4.0.1's parse_json)", () => {
  it("writes an object and an array byte for byte as Spark does", () => {
    const v = parseJsonToVariant('{"a":1,"b":[true,null]}');
    expect(v.value).toEqual(bytes(0x02, 0x02, 0x00, 0x01, 0x00, 0x02, 0x09, 0x0c, 0x01, 0x03, 0x02, 0x00, 0x01, 0x02, 0x04, 0x00));
    expect(v.metadata).toEqual(bytes(0x01, 0x02, 0x00, 0x01, 0x02, "ab"));
    const a = parseJsonToVariant("[1]");
    expect(a.value).toEqual(bytes(0x03, 0x01, 0x00, 0x02, 0x0c, 0x01));
    expect(a.metadata).toEqual(bytes(0x01, 0x00, 0x00));
  });

  it("lists fields in key order while values stay in written order", () => {
    const v = parseJsonToVariant('{"c":3,"b":2,"a":1}');
    const info = containerInfo(v.value, 0);
    expect(info.size).toBe(3);
    expect(readLong(v.value, objectField(v.value, v.metadata, 0, "a"))).toBe(1n);
    expect(readLong(v.value, objectField(v.value, v.metadata, 0, "c"))).toBe(3n);
    expect(objectField(v.value, v.metadata, 0, "d")).toBe(-1);
    expect(variantToJson(v)).toBe('{"a":1,"b":2,"c":3}');
  });

  it("picks the smallest integer and decimal widths and keeps wide numbers exact", () => {
    const v = parseJsonToVariant("[127, 128, 32768, 2147483648, 9223372036854775807, 12345678901234567890, 1.50, 1e2, 0.000]");
    const at = (i: number) => arrayElement(v.value, 0, i);
    expect([0, 1, 2, 3].map((i) => v.value[at(i)]! >> 2)).toEqual([3, 4, 5, 6]);
    expect(readLong(v.value, at(4))).toBe(9223372036854775807n);
    expect(variantKind(v.value, at(5))).toBe("decimal");
    expect(readDecimal(v.value, at(5))).toEqual({ unscaled: 12345678901234567890n, scale: 0 });
    expect(readDecimal(v.value, at(6))).toEqual({ unscaled: 15n, scale: 1 }); // read with trailing zeros stripped, as Spark
    expect(variantKind(v.value, at(7))).toBe("double");
    expect(variantToJson(v)).toBe("[127,128,32768,2147483648,9223372036854775807,12345678901234567890,1.5,100.0,0]");
  });

  it("uses long strings, wide offsets and 4-byte element counts past the one-byte limits", () => {
    const long = "x".repeat(300);
    const keys = Array.from({ length: 300 }, (_, i) => `k${i}`);
    const v = parseJsonToVariant(JSON.stringify({ s: long, o: Object.fromEntries(keys.map((k, i) => [k, i])) }));
    expect(readString(v.value, objectField(v.value, v.metadata, 0, "s"))).toBe(long);
    const o = objectField(v.value, v.metadata, 0, "o");
    expect(containerInfo(v.value, o).size).toBe(300);
    expect(readLong(v.value, objectField(v.value, v.metadata, o, "k299"))).toBe(299n);
    expect(JSON.parse(variantToJson(v))).toEqual(JSON.parse(JSON.stringify({ o: Object.fromEntries([...keys].sort().map((k) => [k, Number(k.slice(1))])), s: long })));
  });

  it("copies a variant into another builder with its keys re-numbered", () => {
    const inner = parseJsonToVariant('{"z":{"y":[1,"two"]}}');
    const b = new VariantBuilder();
    const start = b.writePos;
    const fields = [{ key: "first", id: b.addKey("first"), offset: 0 }];
    b.appendVariant(inner.value, inner.metadata);
    b.finishObject(start, fields);
    expect(variantToJson(b.result())).toBe('{"first":{"z":{"y":[1,"two"]}}}');
  });

  it("reads JSON as Jackson does: first value only, strict syntax", () => {
    expect(variantToJson(parseJsonToVariant(" 1 2"))).toBe("1");
    for (const bad of ["", "{", '{"a":1', "[1,]", "01", "1.", "'a'", "NaN", '"\u0001"', "{a:1}"]) expect(() => parseJsonToVariant(bad), bad).toThrow(MalformedJson);
    expect(() => parseJsonToVariant('{"a":1,"a":2}')).toThrow(expect.objectContaining({ code: "VARIANT_DUPLICATE_KEY" }));
  });

  it("refuses malformed binaries as MALFORMED_VARIANT", () => {
    const truncated = new VariantVal(bytes(0x02, 0x02, 0x00), bytes(0x01, 0x00, 0x00));
    const e = (() => {
      try {
        variantToJson(truncated);
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(SluiceError);
    expect((e as SluiceError).code).toBe("MALFORMED_VARIANT");
    expect(() => variantToJson(new VariantVal(bytes(0x1f << 2), bytes(0x01, 0x00, 0x00)))).toThrow(expect.objectContaining({ code: "UNKNOWN_PRIMITIVE_TYPE_IN_VARIANT" }));
  });
});
