/**
 * Schema tracking for a Delta streaming source (delta-spark's DeltaSourceMetadataEvolutionSupport,
 * reader option `schemaTrackingLocation`, a folder under the query's checkpoint):
 *   1. the stream reads with the newest entry of the schema log (schema-tracking-log.ts); the first
 *      batch writes the entry for the version it starts at, and stops the stream with
 *      DELTA_STREAMING_METADATA_EVOLUTION when that differs from the schema it was planned with;
 *   2. a commit whose metaData differs from that entry (schema, partitioning, delta.* properties)
 *      ends the batch before it at a barrier offset (index -20, then -19 once that batch is done);
 *   3. when the batch ending at the barrier is final, the commit's metadata becomes a new entry and
 *      the stream stops with DELTA_STREAMING_METADATA_EVOLUTION: the restart reads on with it;
 *   4. on each start, a rename, drop or type change between the last two entries stops the stream
 *      with DELTA_STREAMING_CANNOT_CONTINUE_PROCESSING_POST_SCHEMA_EVOLUTION until the user allows
 *      it: reader option allowSourceColumnRename / allowSourceColumnDrop /
 *      allowSourceColumnTypeChange, or SQL conf spark.databricks.delta.streaming.<that name>
 *      (allowSourceColumnRenameAndDrop for both), optionally suffixed `.ckpt_<hash>` (Java's
 *      String.hashCode of the source's checkpoint folder), set to `always` or to the version of
 *      the change.
 */
import { SluiceError } from "../../common/errors.js";
import type { Metadata, Protocol } from "../../delta/actions.js";
import { nonAdditiveChanges } from "../../delta/stream-schema-check.js";
import { type PersistedMetadata, entrySchema, persistedMetadata, readSchemaLog, writeSchemaLogEntry } from "./schema-tracking-log.js";

/** Offset index of a schema change barrier, and of the offset right after it (delta-spark's DeltaSourceOffset). */
export const METADATA_CHANGE_INDEX = -20;
export const POST_METADATA_CHANGE_INDEX = -19;

/** The reader options that allow a non-additive change, by the kind of change. */
export interface UnblockOptions {
  readonly allowSourceColumnRename?: string;
  readonly allowSourceColumnDrop?: string;
  readonly allowSourceColumnTypeChange?: string;
}

const CONF_PREFIX = "spark.databricks.delta.streaming";

/** Java's String.hashCode, which delta-spark uses for the `.ckpt_<hash>` conf suffix. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

export class SchemaTracking {
  readonly #entries: PersistedMetadata[];

  constructor(
    readonly dir: string,
    readonly sourceMetadataPath: string,
    readonly conf: Readonly<Record<string, string>>,
    readonly unblock: UnblockOptions,
  ) {
    this.#entries = readSchemaLog(dir);
    const last = this.#entries.at(-1);
    if (last && last.sourceMetadataPath !== sourceMetadataPath) {
      throw new SluiceError(
        "execution",
        "DELTA_STREAMING_SCHEMA_LOCATION_CONFLICT",
        `[DELTA_STREAMING_SCHEMA_LOCATION_CONFLICT] Detected conflicting schema location '${dir}': it tracks the stream of ${last.sourceMetadataPath}, not ${sourceMetadataPath}. Another stream may be reusing the same schema location, which is not allowed. Please provide a new unique \`schemaTrackingLocation\` for one of the streams from this table.`,
        { path: dir },
      );
    }
  }

  /** The entry the stream reads with (undefined until the first batch writes one). */
  get current(): PersistedMetadata | undefined {
    return this.#entries.at(-1);
  }

  /** True when metadata `md` (and `protocol`) of commit `version` differs from the entry the stream reads with. */
  changed(md: Metadata | undefined, protocol: Protocol | undefined, version: number): boolean {
    const cur = this.current;
    if (!cur || cur.deltaCommitVersion >= version) return false;
    if (protocol && !sameProtocol(JSON.parse(cur.protocolJson).protocol as Protocol, protocol)) return true;
    if (!md) return false;
    const next = persistedMetadata(md, protocol ?? (JSON.parse(cur.protocolJson).protocol as Protocol), version, this.sourceMetadataPath);
    return entrySchema(next).json() !== entrySchema(cur).json() || JSON.stringify(sortedKeys(next.tableConfigurations)) !== JSON.stringify(sortedKeys(cur.tableConfigurations));
  }

  /** Write the entry for `md`/`protocol` at `version` and stop the stream so that it restarts with it (steps 1 and 3). */
  evolve(md: Metadata, protocol: Protocol, version: number): never {
    const entry = persistedMetadata(md, protocol, version, this.sourceMetadataPath);
    writeSchemaLogEntry(this.dir, this.#entries.length, entry);
    this.#entries.push(entry);
    throw metadataEvolution(entry);
  }

  /** Write the first entry; stops the stream when its schema is not `readSchemaJson` (step 1). */
  initialize(md: Metadata, protocol: Protocol, version: number, readSchemaJson: string): void {
    const entry = persistedMetadata(md, protocol, version, this.sourceMetadataPath);
    writeSchemaLogEntry(this.dir, 0, entry);
    this.#entries.push(entry);
    if (entrySchema(entry).json() !== readSchemaJson) throw metadataEvolution(entry);
  }

  /** Step 4: refuse to go on past a rename, drop or type change the user has not allowed. */
  checkNonAdditive(): void {
    if (this.#entries.length < 2) return;
    const prev = this.#entries.at(-2)!;
    const cur = this.#entries.at(-1)!;
    const c = nonAdditiveChanges(entrySchema(prev), entrySchema(cur));
    const hash = javaStringHash(this.sourceMetadataPath);
    const v = String(cur.deltaCommitVersion);
    const allowed = (name: string, option: string | undefined): boolean =>
      [option, this.confOf(`${CONF_PREFIX}.${name}`), this.confOf(`${CONF_PREFIX}.${name}.ckpt_${hash}`)].some((x) => x === "always" || x === v);
    const both = allowed("allowSourceColumnRenameAndDrop", undefined);
    const blocked: string[] = [];
    if (c.renamed.length > 0 && !both && !allowed("allowSourceColumnRename", this.unblock.allowSourceColumnRename)) blocked.push("allowSourceColumnRename");
    if (c.dropped.length > 0 && !both && !allowed("allowSourceColumnDrop", this.unblock.allowSourceColumnDrop)) blocked.push("allowSourceColumnDrop");
    if (c.widened.length > 0 && !allowed("allowSourceColumnTypeChange", this.unblock.allowSourceColumnTypeChange)) blocked.push("allowSourceColumnTypeChange");
    if (blocked.length === 0) return;
    const op = [c.renamed.length > 0 ? "RENAME" : "", c.dropped.length > 0 ? "DROP" : "", c.widened.length > 0 ? "TYPE WIDENING" : ""].filter((x) => x !== "");
    const opType = c.widened.length === 0 ? `${op.join(" AND ")} COLUMN` : op.length === 3 ? "RENAME, DROP AND TYPE WIDENING" : op.join(" AND ");
    const details = [
      ...(c.renamed.length > 0 ? ["Columns renamed:", ...c.renamed.map(([a, b]) => `'${a}' -> '${b}'`)] : []),
      ...(c.dropped.length > 0 ? ["Columns dropped:", ...c.dropped.map((a) => `'${a}'`)] : []),
      ...(c.widened.length > 0 ? ["Columns with widened types:", ...c.widened.map(([a, from, to]) => `'${a}': ${from} -> ${to}`)] : []),
    ];
    const confNames = c.renamed.length > 0 && c.dropped.length > 0 ? ["allowSourceColumnRenameAndDrop", ...blocked.filter((b) => b === "allowSourceColumnTypeChange")] : blocked;
    const lines = (f: (name: string) => string, names: readonly string[]) => names.map((n) => `  ${f(n)}`).join("\n");
    throw new SluiceError(
      "execution",
      "DELTA_STREAMING_CANNOT_CONTINUE_PROCESSING_POST_SCHEMA_EVOLUTION",
      [
        `[DELTA_STREAMING_CANNOT_CONTINUE_PROCESSING_POST_SCHEMA_EVOLUTION] We've detected one or more non-additive schema change(s) (${opType}) between Delta version ${prev.deltaCommitVersion} and ${cur.deltaCommitVersion} in the Delta streaming source.`,
        "Changes: ",
        ...details,
        `Please check if you want to manually propagate the schema change(s) to the sink table before we proceed with stream processing using the finalized schema at version ${cur.deltaCommitVersion}.`,
        "Once you have fixed the schema of the sink table or have decided there is no need to fix, you can set the following configuration(s) to unblock the non-additive schema change(s) and continue stream processing.",
        "",
        "Using dataframe reader option(s):",
        "To unblock for this particular stream just for this series of schema change(s):",
        lines((n) => `.option("${n}", "${v}")`, blocked),
        "To unblock for this particular stream:",
        lines((n) => `.option("${n}", "always")`, blocked),
        "",
        "Using SQL configuration(s):",
        "To unblock for this particular stream just for this series of schema change(s):",
        lines((n) => `SET ${CONF_PREFIX}.${n}.ckpt_${hash} = ${v};`, confNames),
        "To unblock for this particular stream:",
        lines((n) => `SET ${CONF_PREFIX}.${n}.ckpt_${hash} = "always";`, confNames),
        "To unblock for all streams:",
        lines((n) => `SET ${CONF_PREFIX}.${n} = "always";`, confNames),
      ].join("\n"),
      { version: cur.deltaCommitVersion, option: blocked[0] },
    );
  }

  private confOf(key: string): string | undefined {
    const hit = Object.entries(this.conf).find(([k]) => k.toLowerCase() === key.toLowerCase());
    return hit?.[1].trim().toLowerCase();
  }
}

function metadataEvolution(e: PersistedMetadata): SluiceError {
  const schema = entrySchema(e);
  const p = JSON.parse(e.protocolJson).protocol as Protocol;
  const features = [...new Set([...(p.readerFeatures ?? []), ...(p.writerFeatures ?? [])])].sort();
  return new SluiceError(
    "execution",
    "DELTA_STREAMING_METADATA_EVOLUTION",
    `[DELTA_STREAMING_METADATA_EVOLUTION] The schema, table configuration or protocol of your Delta table has changed during streaming.\nThe schema or metadata tracking log has been updated.\nPlease restart the stream to continue processing using the updated metadata.\n` +
      `Updated schema: ${schema.simpleString()}.\nUpdated table configurations: ${Object.entries(e.tableConfigurations).map(([k, v]) => `${k}:${v}`).join(", ")}.\n` +
      `Updated table protocol: ${p.minReaderVersion},${p.minWriterVersion}${features.length > 0 ? `,[${features.join(",")}]` : ""}`,
    { version: e.deltaCommitVersion },
  );
}

const sortedKeys = (o: Readonly<Record<string, string>>): [string, string][] => Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

function sameProtocol(a: Protocol, b: Protocol): boolean {
  const set = (x?: readonly string[]) => JSON.stringify([...(x ?? [])].sort());
  return a.minReaderVersion === b.minReaderVersion && a.minWriterVersion === b.minWriterVersion && set(a.readerFeatures) === set(b.readerFeatures) && set(a.writerFeatures) === set(b.writerFeatures);
}
