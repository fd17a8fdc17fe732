import * as arrow from "apache-arrow";
import { describe, expect, it } from "vitest";
import { getValue } from "../columnar/column-batch.js";
import type { Vector } from "../columnar/vector.js";
import { StructType } from "../types/struct-type.js";
import { columnMappingMode, logicalColumns } from "./column-mapping.js";
import { errorOf } from "./test-helpers.js";

/** One record batch whose top-level fields carry Parquet field ids 1, 2, … */
function batch(columns: Record<string, unknown[] | Int32Array | Float32Array>): arrow.RecordBatch {
  const t = arrow.tableFromArrays(columns as Record<string, Int32Array>);
  const fields = t.schema.fields.map((f, i) => new arrow.Field(f.name, f.type, true, new Map([["PARQUET:field_id", String(i + 1)]])));
  return new arrow.RecordBatch(new arrow.Schema(fields), t.batches[0]!.data);
}

const field = (name: string, type: string, physical: string, id: number, extra: object = {}) => ({
  name,
  type,
  nullable: true,
  metadata: { "delta.columnMapping.physicalName": physical, "delta.columnMapping.id": id, ...extra },
});
const values = (v: Vector): unknown[] => Array.from({ length: v.length }, (_, i) => getValue(v, i));

describe("column mapping on read", () => {
  const rb = batch({ "col-a": Int32Array.from([1, 2]), "col-b": ["x", "y"] });

  it("name mode finds columns by physical name, widens INT to BIGINT, and reads an absent column as null", () => {
    const schema = StructType.fromJson({
      type: "struct",
      fields: [field("label", "string", "col-b", 2), field("n", "long", "col-a", 1), field("added", "integer", "col-z", 3)],
    });
    expect(logicalColumns(rb, schema, "name", "f.parquet").map(values)).toEqual([["x", "y"], [1n, 2n], [null, null]]);
  });

  it("id mode finds top-level columns by Parquet field id, whatever their names", () => {
    const schema = StructType.fromJson({ type: "struct", fields: [field("label", "string", "other", 2), field("n", "integer", "other2", 1)] });
    expect(logicalColumns(rb, schema, "id", "f.parquet").map(values)).toEqual([["x", "y"], [1, 2]]);
  });

  it("renames nested struct fields from physical to logical names and ignores dropped ones", () => {
    const inner = arrow.vectorFromArray([{ "p-1": 7, "p-2": "gone" }], new arrow.Struct([new arrow.Field("p-1", new arrow.Int32()), new arrow.Field("p-2", new arrow.Utf8())]));
    const t = new arrow.Table({ "col-s": inner });
    const schema = StructType.fromJson({
      type: "struct",
      fields: [field("s", { type: "struct", fields: [field("renamed", "integer", "p-1", 2)] } as never, "col-s", 1)],
    });
    expect(logicalColumns(t.batches[0]!, schema, "name", "f.parquet").map(values)).toEqual([[{ renamed: 7 }]]);
  });

  it("id mode finds nested struct fields (in structs, arrays and maps) by field id, whatever their names", () => {
    const id = (n: number) => new Map([["PARQUET:field_id", String(n)]]);
    const inner = new arrow.Struct([new arrow.Field("named-a", new arrow.Int32(), true, id(3)), new arrow.Field("named-b", new arrow.Utf8(), true, id(4))]);
    const list = new arrow.List(new arrow.Field("element", new arrow.Struct([new arrow.Field("e-x", new arrow.Int32(), true, id(6))])));
    const t = new arrow.Table({
      s: arrow.vectorFromArray([{ "named-a": 7, "named-b": "u" }], inner),
      l: arrow.vectorFromArray([[{ "e-x": 1 }, { "e-x": 2 }]], list),
    });
    const fields = [new arrow.Field("s", inner, true, id(1)), new arrow.Field("l", list, true, id(5))];
    const rb = new arrow.RecordBatch(new arrow.Schema(fields), t.batches[0]!.data);
    const schema = StructType.fromJson({
      type: "struct",
      fields: [
        // physical names that match nothing in the file: only the ids find the fields; id 9 is not in the file
        field("s", { type: "struct", fields: [field("b", "string", "p-b", 4), field("a", "integer", "p-a", 3), field("gone", "integer", "named-a", 9)] } as never, "p-s", 1),
        field("l", { type: "array", elementType: { type: "struct", fields: [field("x", "integer", "p-x", 6)] }, containsNull: true } as never, "p-l", 5),
      ],
    });
    expect(logicalColumns(rb, schema, "id", "f.parquet").map(values)).toEqual([[{ b: "u", a: 7, gone: null }], [[{ x: 1 }, { x: 2 }]]]);
  });

  it("refuses a file type that is not a widening of the table's type, naming the file and column", async () => {
    const schema = StructType.fromJson({ type: "struct", fields: [field("label", "integer", "col-b", 2)] });
    const e = await errorOf(() => logicalColumns(rb, schema, "name", "f.parquet"));
    expect(e.code).toBe("DELTA_COLUMN_TYPE_MISMATCH");
    expect(e.message).toMatch(/f\.parquet: column `label` is string in the file but int/);
  });

  it("refuses an unknown delta.columnMapping.mode by name", async () => {
    expect(columnMappingMode({}, "t")).toBe("none");
    expect(columnMappingMode({ "delta.columnMapping.mode": "ID" }, "t")).toBe("id");
    const e = await errorOf(() => columnMappingMode({ "delta.columnMapping.mode": "position" }, "/data/t"));
    expect(e.code).toBe("DELTA_UNSUPPORTED_COLUMN_MAPPING_MODE");
    expect(e.message).toContain('/data/t has delta.columnMapping.mode = "position"');
  });
});
