/**
 * Spark types Parquet has no logical type for, laid out as Spark lays them out: an ANSI interval
 * column is a plain INT32 (YEAR-MONTH, months) or INT64 (DAY-TIME, µs) column, and the Spark schema
 * goes into the footer's `org.apache.spark.sql.parquet.row.metadata` key (Spark's JSON schema
 * form), which is how Spark — and Sluice — read the interval type back (checked on PySpark 4.0.1:
 * it writes INTERVAL '1-2' YEAR TO MONTH as int32 and reads such files back as intervals).
 * A VARIANT column is a group of two required binaries, `value` and `metadata` (Spark 4.0's
 * layout; the Arrow struct columnar/arrow.ts writes), also named VARIANT in that footer schema: a
 * file Spark wrote reads back as VARIANT, and Spark reads Sluice's as VARIANT.
 * Only top-level interval and variant columns are mapped; files without them are written as before.
 */
import { type ColumnBatch, getValue, makeBatch } from "../../columnar/column-batch.js";
import { makeVector, type Vector } from "../../columnar/vector.js";
import { containsType, type DataType, IntegerType, isAnsiInterval, LongType, VariantType } from "../../types/data-type.js";
import { VariantVal } from "../../types/variant-val.js";
import { dataTypeFromJson, dataTypeToJson } from "../../types/json-schema.js";
import { StructType } from "../../types/struct-type.js";

export const SPARK_ROW_METADATA = "org.apache.spark.sql.parquet.row.metadata";

const storageType = (t: DataType): DataType => (t.kind === "year_month_interval" ? IntegerType : t.kind === "day_time_interval" ? LongType : t);

export const hasSparkOnlyTypes = (schema: StructType): boolean => schema.fields.some((f) => isAnsiInterval(f.type) || containsType(f.type, "variant"));

/** The struct a VARIANT group reads as without the footer schema: binaries `value` and `metadata`. */
export const isVariantGroup = (t: DataType): boolean =>
  t.kind === "struct" && t.fields.length === 2 && t.fields.every((f) => (f.name === "value" || f.name === "metadata") && f.type.kind === "binary") && t.fields[0]!.name !== t.fields[1]!.name;

/** The schema Parquet stores for `schema`: intervals as their INT32/INT64 storage. */
export function parquetStorageSchema(schema: StructType): StructType {
  return hasSparkOnlyTypes(schema) ? new StructType(schema.fields.map((f) => ({ ...f, type: storageType(f.type) }))) : schema;
}

/** A batch as Parquet stores it (the same values, interval columns retyped to their storage). */
export function parquetStorageBatch(storage: StructType, batch: ColumnBatch): ColumnBatch {
  if (storage === batch.schema) return batch;
  return makeBatch(storage, batch.columns.map((v, i) => (isAnsiInterval(v.type) ? makeVector(storage.fields[i]!.type, v.values, v.validity) : v)), batch.numRows);
}

/** The footer key-value metadata Spark writes, for a schema that needs it. */
export function sparkRowMetadata(schema: StructType): Map<string, string> | undefined {
  return hasSparkOnlyTypes(schema) ? new Map([[SPARK_ROW_METADATA, JSON.stringify(dataTypeToJson(schema))]]) : undefined;
}

/** A file schema with the interval and variant types its Spark row metadata records (an unreadable entry is ignored, as Spark ignores it). */
export function withSparkTypes(fileSchema: StructType, metadata: ReadonlyMap<string, string> | undefined): StructType {
  const json = metadata?.get(SPARK_ROW_METADATA);
  if (json === undefined || !(json.includes("interval") || json.includes('"variant"'))) return fileSchema;
  let spark: DataType;
  try {
    spark = dataTypeFromJson(JSON.parse(json));
  } catch {
    return fileSchema;
  }
  if (spark.kind !== "struct") return fileSchema;
  const byName = new Map(spark.fields.map((f) => [f.name, f.type]));
  return new StructType(
    fileSchema.fields.map((f) => {
      const t = byName.get(f.name);
      if (t?.kind === "variant" && isVariantGroup(f.type)) return { ...f, type: t };
      return t !== undefined && isAnsiInterval(t) && storageType(t).kind === f.type.kind ? { ...f, type: t } : f;
    }),
  );
}

/** A column of VARIANT groups read as structs (`{ value, metadata }` rows) as VARIANT values. */
export function variantsFromGroups(v: Vector): Vector {
  const out: unknown[] = new Array(v.length);
  const validity = new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const g = getValue(v, i) as { value: Uint8Array | null; metadata: Uint8Array | null } | null;
    out[i] = g && g.value && g.metadata ? new VariantVal(g.value, g.metadata) : null;
    validity[i] = out[i] === null ? 0 : 1;
  }
  return makeVector(VariantType, out, validity);
}
