/**
 * Table features a column type requires (PROTOCOL.md §Timestamp without Timezone, §Variant Data
 * Type): a table with a TIMESTAMP_NTZ column anywhere in its schema must list `timestampNtz`, one
 * with a VARIANT column `variantType`, each as both a reader and a writer feature, so its protocol
 * is at least (3, 7). Sluice reads such tables (NTZ values are wall-clock µs with zone-less
 * partition values and stats; variants are Spark's value/metadata Parquet groups) and writes them.
 */
import { containsType } from "../types/data-type.js";
import type { StructType } from "../types/struct-type.js";
import type { Protocol } from "./actions.js";

export const TIMESTAMP_NTZ_FEATURE = "timestampNtz";

/** The table feature a VARIANT column needs (delta-spark 4.0 writes `variantType`; `variantType-preview` is its older name). */
export const VARIANT_FEATURE = "variantType";

/**
 * `protocol` with the features the schema's types need — timestampNtz for a TIMESTAMP_NTZ column,
 * variantType for a VARIANT one — as delta-spark creates such a table: reader 3 / writer 7 with
 * each feature listed on both sides, keeping the protocol's other features (a legacy (1, 2) brings
 * the appendOnly and invariants writer 2 implies; a legacy reader 2 brings columnMapping).
 */
export function withTypeFeatures(protocol: Protocol, schema: StructType): Protocol {
  const needs = (kind: "timestamp_ntz" | "variant") => schema.fields.some((f) => containsType(f.type, kind));
  const features = [...(needs("timestamp_ntz") ? [TIMESTAMP_NTZ_FEATURE] : []), ...(needs("variant") ? [VARIANT_FEATURE] : [])];
  if (features.length === 0) return protocol;
  const legacyReader = protocol.minReaderVersion === 2 ? ["columnMapping"] : [];
  const legacyWriter = protocol.minWriterVersion < 7 ? ["invariants", "appendOnly", ...(protocol.minWriterVersion >= 5 ? ["columnMapping"] : [])] : [];
  const reader = [...new Set([...(protocol.readerFeatures ?? legacyReader), ...features])];
  const writer = [...new Set([...(protocol.writerFeatures ?? legacyWriter), ...features])];
  return { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: reader, writerFeatures: writer };
}
