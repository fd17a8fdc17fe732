/**
 * schema_of_variant and schema_of_variant_agg, as Spark's SchemaOfVariant: the type of a variant
 * value, written Spark's way (`OBJECT<a: BIGINT, b: ARRAY<STRING>>`). Integers of any width are
 * BIGINT, a decimal is DECIMAL(its digits, its scale), null is VOID; an array's element type and
 * the rows of the aggregate are merged: VOID gives way to anything, BIGINT and decimals widen to
 * a decimal holding both (BIGINT counting as DECIMAL(20,0), at most 38 digits, else DOUBLE), any
 * number with FLOAT/DOUBLE is DOUBLE, objects merge field by field, arrays by element, and any
 * other mix is VARIANT.
 */
import { ArrayType, type DataType, DecimalType, DoubleType, NullType, quoteIdent, VariantType } from "../../types/data-type.js";
import { StructType } from "../../types/struct-type.js";
import { containerInfo, objectFieldAt, readDecimal, variantKind, arrayElement } from "../../types/variant-encoding.js";
import type { VariantVal } from "../../types/variant-val.js";

export function schemaOfVariant(v: VariantVal): DataType {
  return schemaAt(v.value, v.metadata, 0);
}

function schemaAt(value: Uint8Array, metadata: Uint8Array, pos: number): DataType {
  const kind = variantKind(value, pos);
  switch (kind) {
    case "null":
      return NullType;
    case "long":
      return { kind: "bigint" };
    case "decimal": {
      const d = readDecimal(value, pos);
      const digits = (d.unscaled < 0n ? -d.unscaled : d.unscaled).toString().length;
      return DecimalType(Math.max(digits, d.scale), d.scale);
    }
    case "uuid":
      return { kind: "string" };
    case "object": {
      const info = containerInfo(value, pos);
      const fields = [];
      for (let i = 0; i < info.size; i++) {
        const f = objectFieldAt(value, metadata, info, i);
        fields.push({ name: f.key, type: schemaAt(value, metadata, f.pos), nullable: true });
      }
      return new StructType(fields);
    }
    case "array": {
      const n = containerInfo(value, pos).size;
      let element: DataType = NullType;
      for (let i = 0; i < n; i++) element = mergeVariantSchemas(element, schemaAt(value, metadata, arrayElement(value, pos, i)));
      return ArrayType(element);
    }
    default:
      return { kind };
  }
}

const asDecimal = (t: DataType): { precision: number; scale: number } | null =>
  t.kind === "decimal" ? t : t.kind === "bigint" ? { precision: 20, scale: 0 } : null;

/** The merge of two variant schemas (see the file comment). */
export function mergeVariantSchemas(a: DataType, b: DataType): DataType {
  if (a.kind === "null") return b;
  if (b.kind === "null") return a;
  if (a.kind === b.kind && a.kind !== "decimal" && a.kind !== "array" && a.kind !== "struct") return a;
  const da = asDecimal(a);
  const db = asDecimal(b);
  if (da && db) {
    const scale = Math.max(da.scale, db.scale);
    const precision = Math.max(da.precision - da.scale, db.precision - db.scale) + scale;
    return precision > 38 ? DoubleType : DecimalType(precision, scale);
  }
  const numeric = (t: DataType) => t.kind === "bigint" || t.kind === "decimal" || t.kind === "float" || t.kind === "double";
  if (numeric(a) && numeric(b)) return DoubleType;
  if (a.kind === "array" && b.kind === "array") return ArrayType(mergeVariantSchemas(a.elementType, b.elementType));
  if (a.kind === "struct" && b.kind === "struct") {
    const byName = new Map(a.fields.map((f) => [f.name, f.type] as const));
    for (const f of b.fields) byName.set(f.name, byName.has(f.name) ? mergeVariantSchemas(byName.get(f.name)!, f.type) : f.type);
    const names = [...byName.keys()].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    return new StructType(names.map((name) => ({ name, type: byName.get(name)!, nullable: true })));
  }
  return VariantType;
}

/** Spark's text of a variant schema: OBJECT<name: TYPE, ...> for objects, names quoted when not plain. */
export function variantSchemaText(t: DataType): string {
  switch (t.kind) {
    case "null":
      return "VOID";
    case "decimal":
      return `DECIMAL(${t.precision},${t.scale})`;
    case "array":
      return `ARRAY<${variantSchemaText(t.elementType)}>`;
    case "struct":
      return `OBJECT<${t.fields.map((f) => `${quoteIdent(f.name)}: ${variantSchemaText(f.type)}`).join(", ")}>`;
    default:
      return t.kind.toUpperCase();
  }
}
