import { describe, expect, it } from "vitest";
import { IntegerType, StringType } from "./data-type.js";
import { StructField, StructType } from "./struct-type.js";

describe("StructType.add", () => {
  it("takes type names as DDL does, DataTypes, nullability and whole fields (PySpark's overloads)", () => {
    const s = new StructType()
      .add("a", "string")
      .add("b", IntegerType, false)
      .add("c", "array<decimal(10,2)>", true)
      .add(StructField("d", StringType, false));
    // PySpark: StructType().add("a", "string").add("b", IntegerType(), False).simpleString()
    expect(s.simpleString()).toBe("struct<a:string,b:int,c:array<decimal(10,2)>,d:string>");
    expect(s.fields.map((f) => f.nullable)).toEqual([true, false, true, false]);
  });
  it("takes PySpark's JSON type names too", () => {
    expect(new StructType().add("a", "integer").add("b", "long").add("c", "double").simpleString()).toBe("struct<a:int,b:bigint,c:double>");
  });
  it("refuses an unknown type name and a missing type", () => {
    expect(() => new StructType().add("a", "strin")).toThrow(/strin/i);
    expect(() => new StructType().add("a")).toThrow(expect.objectContaining({ code: "INVALID_SCHEMA" }));
  });
});
