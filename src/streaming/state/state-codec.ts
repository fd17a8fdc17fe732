/**
 * JSON-safe encoding of state values by schema: binary → base64, maps → entry lists, nested
 * structs/arrays recursively; BIGINT and DECIMAL (its unscaled integer) as a JSON number while it
 * is a safe integer (as files written before they became exact hold it) and as its exact digits in
 * a string beyond; numbers, strings
 * and booleans as they are. Used for delta and
 * snapshot files, so a value read back equals the value written.
 */
import type { DataType } from "../../types/data-type.js";
import type { StructType } from "../../types/struct-type.js";

function enc(t: DataType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case "binary":
      return Buffer.from(v as Uint8Array).toString("base64");
    case "array":
      return (v as unknown[]).map((x) => enc(t.elementType, x));
    case "map":
      return [...(v as Map<unknown, unknown>)].map(([k, x]) => [enc(t.keyType, k), enc(t.valueType, x)]);
    case "struct":
      return t.fields.map((f) => enc(f.type, (v as Record<string, unknown>)[f.name]));
    case "double":
    case "float":
      return typeof v === "number" && !Number.isFinite(v) ? String(v) : v;
    case "bigint":
    case "decimal": {
      const n = v as bigint;
      return n >= -9007199254740991n && n <= 9007199254740991n ? Number(n) : n.toString();
    }
    default:
      return v;
  }
}

function dec(t: DataType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case "binary":
      return new Uint8Array(Buffer.from(v as string, "base64"));
    case "array":
      return (v as unknown[]).map((x) => dec(t.elementType, x));
    case "map":
      return new Map((v as [unknown, unknown][]).map(([k, x]) => [dec(t.keyType, k), dec(t.valueType, x)]));
    case "struct": {
      const out: Record<string, unknown> = {};
      t.fields.forEach((f, i) => (out[f.name] = dec(f.type, (v as unknown[])[i])));
      return out;
    }
    case "double":
    case "float":
      return typeof v === "string" ? Number(v) : v;
    case "bigint":
    case "decimal":
      return typeof v === "bigint" ? v : BigInt(v as number | string);
    default:
      return v;
  }
}

export const encodeValue = (schema: StructType, row: readonly unknown[]): unknown[] => schema.fields.map((f, i) => enc(f.type, row[i]));
export const decodeValue = (schema: StructType, row: readonly unknown[]): unknown[] => schema.fields.map((f, i) => dec(f.type, row[i]));
