/**
 * Spark types Parquet has no logical type for, laid out as Spark lays them out: an ANSI interval
 * column is a plain INT32 (YEAR-MONTH, months) or INT64 (DAY-TIME, µs) column, and the Spark schema
 * goes into the footer's `org.apache.spark.sql.parquet.row.metadata` key (Spark's JSON schema
 * form), which is how Spark — and Sluice — read the interval type back (checked on PySpark 4.0.1:
 * it writes INTERVAL '1-2' YEAR TO MONTH as int32 and reads such files back as intervals).
 * A VARIANT value is a group of two required binaries, `value` and `metadata` (Spark 4.0's
 * layout; the Arrow struct columnar/arrow.ts writes), at the top level or nested in a struct, an
 * array or a map, also named VARIANT in that footer schema: a file Spark wrote reads back as
 * VARIANT, and Spark reads Sluice's as VARIANT.
 * Only top-level interval columns are mapped; files without these types are written as before.
 */
import { type ColumnBatch, makeBatch } from "../../columnar/column-batch.js";
import { makeVector } from "../../columnar/vector.js";
import { containsType, type DataType, IntegerType, isAnsiInterval, LongType } from "../../types/data-type.js";
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
      if (t === undefined) return f;
      return isAnsiInterval(t) && storageType(t).kind === f.type.kind ? { ...f, type: t } : { ...f, type: withVariants(f.type, t) };
    }),
  );
}

/** `file` with each VARIANT group that `spark` (the footer's type at the same place) names VARIANT typed as VARIANT, at any depth. */
function withVariants(file: DataType, spark: DataType): DataType {
  if (spark.kind === "variant") return isVariantGroup(file) ? spark : file;
  if (file.kind === "struct" && spark.kind === "struct") {
    const byName = new Map(spark.fields.map((f) => [f.name, f.type]));
    return new StructType(file.fields.map((f) => (byName.has(f.name) ? { ...f, type: withVariants(f.type, byName.get(f.name)!) } : f)));
  }
  if (file.kind === "array" && spark.kind === "array") return { ...file, elementType: withVariants(file.elementType, spark.elementType) };
  if (file.kind === "map" && spark.kind === "map") return { ...file, keyType: withVariants(file.keyType, spark.keyType), valueType: withVariants(file.valueType, spark.valueType) };
  return file;
}
