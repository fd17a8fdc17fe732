/**
 * Which Delta protocol versions and table features Sluice can read and write
 * (PROTOCOL.md §Protocol Evolution, §Table Features). A reader must implement every reader
 * feature a table lists, a writer every writer feature; anything else is refused with
 * DELTA_UNSUPPORTED_FEATURE naming the feature(s) and the table.
 *
 * Read: reader 1; reader 2 (column mapping); reader 3 with features ⊆ READER_FEATURES.
 * Write: writer ≤ 2; writers 3-6 when the table uses no check constraints, generated or identity
 * columns (so only changeDataFeed and columnMapping of their features are in use); writer 7 with
 * features ⊆ WRITER_FEATURES. New tables are created as `protocolForNewTable` says.
 */
import { SluiceError, unsupported } from "../common/errors.js";
import type { Metadata, Protocol } from "./actions.js";

/**
 * Reader features Sluice handles: deletion vectors are applied by the scan (deletion-vector.ts),
 * column mapping resolves columns by physical name or field id (column-mapping.ts), V2
 * checkpoints and their sidecars are read (checkpoint-reader.ts), values of files written before
 * a type change are widened to the column's type (typeWidening, column-mapping.ts), VARIANT
 * columns are read from their value/metadata Parquet groups (variantType and its preview name,
 * connectors/files/parquet-spark-types.ts); vacuumProtocolCheck asks nothing of a reader.
 */
export const READER_FEATURES: ReadonlySet<string> = new Set([
  "columnMapping",
  "deletionVectors",
  "timestampNtz",
  "typeWidening",
  "typeWidening-preview",
  "v2Checkpoint",
  "vacuumProtocolCheck",
  "variantType",
  "variantType-preview",
]);
/**
 * Writer features Sluice honours: appendOnly is enforced, invariants only when no column has one,
 * changeDataFeed by the DML commands writing change data files (commands/change-data.ts),
 * deletionVectors by DML marking rows in vectors when the table enables them
 * (commands/deletion-vector-writes.ts) and keeping the vectors of files it does not touch,
 * columnMapping by writing physical names and field ids (column-mapping-writes.ts), typeWidening
 * by recording each ALTER COLUMN TYPE in delta.typeChanges (type-widening.ts), timestampNtz
 * and variantType by writing those columns as Spark lays them out in Parquet.
 */
export const WRITER_FEATURES: ReadonlySet<string> = new Set(["appendOnly", "changeDataFeed", "columnMapping", "deletionVectors", "invariants", "timestampNtz", "typeWidening", "variantType", "variantType-preview"]);

/** The protocol of tables Sluice creates without table features. */
export const DEFAULT_PROTOCOL: Protocol = { minReaderVersion: 1, minWriterVersion: 2 };

/**
 * The protocol of a table Sluice creates with `configuration`, as delta-spark 4.0 creates it
 * (scripts/oracle/delta_feature_protocols.py, feature-protocols.golden.json): (1, 2) without
 * features; otherwise writer 7 listing the features plus the invariants and appendOnly that
 * writer 2 implies, at reader 3 with deletion vectors (listing them, and column mapping with
 * them), at the legacy reader 2 for column mapping alone, else reader 1. Type widening
 * (`delta.enableTypeWidening`) and `delta.feature.timestampNtz` = 'supported' are reader and
 * writer features (reader 3) like deletion vectors.
 */
export const FEATURE_PREFIX = "delta.feature.";
export function protocolForNewTable(configuration: Readonly<Record<string, string>>): Protocol {
  const on = (k: string) => configuration[k]?.toLowerCase() === "true";
  const cdf = on("delta.enableChangeDataFeed");
  const dv = on("delta.enableDeletionVectors");
  const tw = on("delta.enableTypeWidening");
  const ntz = configuration[`${FEATURE_PREFIX}timestampNtz`]?.toLowerCase() === "supported";
  const mode = configuration["delta.columnMapping.mode"]?.toLowerCase();
  const cm = mode === "name" || mode === "id";
  if (!cdf && !dv && !cm && !tw && !ntz) return DEFAULT_PROTOCOL;
  const reader = [...(dv ? ["deletionVectors"] : []), ...(cm ? ["columnMapping"] : []), ...(tw ? ["typeWidening"] : []), ...(ntz ? ["timestampNtz"] : [])];
  const writerFeatures = [...reader, ...(cdf ? ["changeDataFeed"] : []), "invariants", "appendOnly"];
  if (dv || tw || ntz) return { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: reader, writerFeatures };
  return { minReaderVersion: cm ? 2 : 1, minWriterVersion: 7, writerFeatures };
}

const MAX_READER = 3;
const MAX_WRITER = 7;

/** Refuse versions no Delta implementation defines (e.g. reader 99). */
export function checkProtocolValid(p: Protocol, table: string): void {
  if (p.minReaderVersion < 1 || p.minReaderVersion > MAX_READER || p.minWriterVersion < 1 || p.minWriterVersion > MAX_WRITER) {
    throw new SluiceError(
      "unsupported",
      "DELTA_INVALID_PROTOCOL_VERSION",
      `Delta table ${table} requires protocol (reader ${p.minReaderVersion}, writer ${p.minWriterVersion}); ` +
        `Sluice knows reader versions 1-${MAX_READER} and writer versions 1-${MAX_WRITER}. Upgrade Sluice or read the table with a newer Delta client.`,
      { table, minReaderVersion: p.minReaderVersion, minWriterVersion: p.minWriterVersion },
    );
  }
}

/** Throws unless Sluice can read a table with this protocol and metadata. */
export function checkReadSupported(p: Protocol, md: Metadata | null, table: string): void {
  checkProtocolValid(p, table);
  const missing: string[] = [];
  if (p.minReaderVersion === 3) {
    for (const f of p.readerFeatures ?? []) if (!READER_FEATURES.has(f)) missing.push(f);
  }
  if (missing.length > 0) throw featureError("read", missing, table);
}

/** Throws unless Sluice can write to a table with this protocol and metadata. */
export function checkWriteSupported(p: Protocol, md: Metadata | null, table: string): void {
  checkReadSupported(p, md, table);
  const missing: string[] = [];
  if (p.minWriterVersion === 7) {
    for (const f of p.writerFeatures ?? []) if (!WRITER_FEATURES.has(f) && !unused(f, md)) missing.push(f);
  } else if (p.minWriterVersion > 2) {
    for (const f of LEGACY_WRITER_FEATURES.slice(0, p.minWriterVersion - 2).flat()) if (!WRITER_FEATURES.has(f) && !unused(f, md)) missing.push(f);
  }
  if (md && hasInvariants(md.schemaString)) missing.push("invariants (columns with delta.invariants)");
  // Sluice's change feed reader and writer do not map physical names (delta-spark refuses creating such a table by a write too)
  const mode = md?.configuration["delta.columnMapping.mode"]?.toLowerCase();
  if (mode !== undefined && mode !== "none" && md!.configuration["delta.enableChangeDataFeed"]?.toLowerCase() === "true") missing.push("changeDataFeed together with columnMapping");
  if (missing.length > 0) throw featureError("write to", missing, table);
}

/** What writer versions 3..6 add on top of 2 (PROTOCOL.md §Writer Version Requirements). */
const LEGACY_WRITER_FEATURES: readonly (readonly string[])[] = [
  ["checkConstraints"],
  ["changeDataFeed", "generatedColumns"],
  ["columnMapping"],
  ["identityColumns"],
];

/** True when `delta.appendOnly` is set to true (writer ≥ 2, or writer 7 with appendOnly). */
export function isAppendOnly(md: Metadata): boolean {
  return md.configuration["delta.appendOnly"]?.toLowerCase() === "true";
}

/**
 * True when the table does not use a writer feature Sluice does not enforce (nothing to enforce):
 * no check constraint, generated or identity column. delta-spark lists these features on tables
 * created with an explicit legacy writer version, whether or not any column uses them.
 */
function unused(feature: string, md: Metadata | null): boolean {
  if (!md) return false;
  if (feature === "checkConstraints") return !Object.keys(md.configuration).some((k) => k.startsWith("delta.constraints."));
  if (feature === "generatedColumns") return !md.schemaString.includes('"delta.generationExpression"');
  if (feature === "identityColumns") return !md.schemaString.includes('"delta.identity.');
  return false;
}

function hasInvariants(schemaString: string): boolean {
  return schemaString.includes('"delta.invariants"');
}

function featureError(verb: string, features: readonly string[], table: string): SluiceError {
  return unsupported(
    "DELTA_UNSUPPORTED_FEATURE",
    `Cannot ${verb} Delta table ${table}: it uses table feature(s) Sluice does not support: ${features.join(", ")}. ` +
      `Use a Delta client that supports them, or rewrite the table without them.`,
    { table, features: features.join(",") },
  );
}

/**
 * `p` with table feature `feature` supported (undefined when it already is), as delta-spark
 * upgrades an existing table: a legacy writer (< 7) moves to writer 7 listing the features its
 * version implied; a reader feature (`reader`) needs reader 3 listing the features reader 2
 * implied (columnMapping), else the reader stays legacy, at least `legacyReader`.
 */
export function withTableFeature(p: Protocol, feature: string, reader: boolean, legacyReader = 1): Protocol | undefined {
  const writerFeatures = p.writerFeatures ?? ["appendOnly", "invariants", ...LEGACY_WRITER_FEATURES.slice(0, Math.max(0, p.minWriterVersion - 2)).flat()];
  const readerVersion = reader ? 3 : Math.max(p.minReaderVersion, legacyReader);
  const readerFeatures = readerVersion === 3 ? (p.readerFeatures ?? (p.minReaderVersion === 2 ? ["columnMapping"] : [])) : undefined;
  const hasWriter = writerFeatures.includes(feature) && p.minWriterVersion === 7;
  const hasReader = !reader || (p.minReaderVersion === 3 && readerFeatures!.includes(feature));
  if (hasWriter && hasReader && readerVersion === p.minReaderVersion) return undefined;
  return {
    minReaderVersion: readerVersion,
    minWriterVersion: 7,
    ...(readerFeatures ? { readerFeatures: reader && !readerFeatures.includes(feature) ? [...readerFeatures, feature] : readerFeatures } : {}),
    writerFeatures: writerFeatures.includes(feature) ? writerFeatures : [...writerFeatures, feature],
  };
}
