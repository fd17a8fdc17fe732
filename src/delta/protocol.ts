/**
 * Which Delta protocol versions and table features Sluice can read and write
 * (PROTOCOL.md §Protocol Evolution, §Table Features). A reader must implement every reader
 * feature a table lists, a writer every writer feature; anything else is refused with
 * DELTA_UNSUPPORTED_FEATURE naming the feature(s) and the table.
 *
 * Read: reader 1; reader 2 (column mapping); reader 3 with features ⊆ READER_FEATURES.
 * Write: writer ≤ 2; writer 3/4 when the table has no check constraints or generated columns (so
 * only changeDataFeed of their features is in use); writer 7 with features ⊆ WRITER_FEATURES.
 * New tables are created at (1, 2).
 */
import { SluiceError, unsupported } from "../common/errors.js";
import type { Metadata, Protocol } from "./actions.js";

/**
 * Reader features Sluice handles: deletion vectors are applied by the scan (deletion-vector.ts),
 * column mapping resolves columns by physical name or field id (column-mapping.ts), V2
 * checkpoints and their sidecars are read (checkpoint-reader.ts), values of files written before
 * a type change are widened to the column's type (typeWidening, column-mapping.ts);
 * vacuumProtocolCheck asks nothing of a reader.
 */
export const READER_FEATURES: ReadonlySet<string> = new Set([
  "columnMapping",
  "deletionVectors",
  "timestampNtz",
  "typeWidening",
  "typeWidening-preview",
  "v2Checkpoint",
  "vacuumProtocolCheck",
]);
/**
 * Writer features Sluice honours: appendOnly is enforced, invariants only when no column has one,
 * changeDataFeed by the DML commands writing change data files (commands/change-data.ts).
 */
export const WRITER_FEATURES: ReadonlySet<string> = new Set(["appendOnly", "changeDataFeed", "invariants", "timestampNtz"]);

/** The protocol of tables Sluice creates. */
export const DEFAULT_PROTOCOL: Protocol = { minReaderVersion: 1, minWriterVersion: 2 };

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
    for (const f of p.writerFeatures ?? []) if (!WRITER_FEATURES.has(f)) missing.push(f);
  } else if (p.minWriterVersion > 2) {
    for (const f of LEGACY_WRITER_FEATURES.slice(0, p.minWriterVersion - 2).flat()) if (!WRITER_FEATURES.has(f) && !unused(f, md)) missing.push(f);
  }
  const mode = md?.configuration["delta.columnMapping.mode"];
  if (mode !== undefined && mode !== "none" && !missing.includes("columnMapping")) missing.push(`columnMapping (mode ${mode})`);
  if (md && hasInvariants(md.schemaString)) missing.push("invariants (columns with delta.invariants)");
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

/** True when the table does not use a legacy writer feature Sluice does not enforce (nothing to enforce). */
function unused(feature: string, md: Metadata | null): boolean {
  if (!md) return false;
  if (feature === "checkConstraints") return !Object.keys(md.configuration).some((k) => k.startsWith("delta.constraints."));
  if (feature === "generatedColumns") return !md.schemaString.includes('"delta.generationExpression"');
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
