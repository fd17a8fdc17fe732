/**
 * The `timestampNtz` table feature (PROTOCOL.md §Timestamp without Timezone): a table with a
 * TIMESTAMP_NTZ column anywhere in its schema must list it as both a reader and a writer feature,
 * so its protocol is at least (3, 7). Sluice reads such tables (the values are wall-clock µs, the
 * partition values and stats are zone-less text) and writes them.
 */
import { containsType, type DataType } from "../types/data-type.js";
import type { StructType } from "../types/struct-type.js";
import type { Protocol } from "./actions.js";

export const TIMESTAMP_NTZ_FEATURE = "timestampNtz";

/** Whether the type is or holds a TIMESTAMP_NTZ. */
export const hasTimestampNtz = (t: DataType): boolean => containsType(t, "timestamp_ntz");

/**
 * `protocol` with the timestampNtz feature added when `schema` needs it, as delta-spark creates such
 * a table: reader 3 / writer 7 with the feature listed on both sides, keeping the protocol's other
 * features (a legacy (1, 2) brings the appendOnly and invariants writer 2 implies; a legacy reader 2
 * brings columnMapping).
 */
export function withTimestampNtzFeature(protocol: Protocol, schema: StructType): Protocol {
  if (!schema.fields.some((f) => hasTimestampNtz(f.type))) return protocol;
  const legacyReader = protocol.minReaderVersion === 2 ? ["columnMapping"] : [];
  const legacyWriter = protocol.minWriterVersion < 7 ? ["invariants", "appendOnly", ...(protocol.minWriterVersion >= 5 ? ["columnMapping"] : [])] : [];
  const reader = [...new Set([...(protocol.readerFeatures ?? legacyReader), TIMESTAMP_NTZ_FEATURE])];
  const writer = [...new Set([...(protocol.writerFeatures ?? legacyWriter), TIMESTAMP_NTZ_FEATURE])];
  return { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: reader, writerFeatures: writer };
}
