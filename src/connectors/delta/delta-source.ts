/**
 * Streaming Delta source (Delta's DeltaSource). The stream is a sequence of data files:
 *   - without startingVersion/startingTimestamp: first every live file of the snapshot at the
 *     latest version when the query first reads (ordered by modification time, then path), then
 *     the files each later commit adds;
 *   - with startingVersion V (or the first commit at or after startingTimestamp): the files the
 *     commits from V on add, version by version, no initial snapshot.
 * An offset names the last file read: `{reservoirVersion, index, isStartingVersion}` (index -1 =
 * before the version's first file). A batch holds at most maxFilesPerTrigger (default 1000)
 * files and, softly, maxBytesPerTrigger bytes (always at least one file).
 * Commits that remove data (UPDATE, DELETE, MERGE, OVERWRITE) fail the query naming the version
 * (DELTA_SOURCE_TABLE_IGNORE_CHANGES) unless `skipChangeCommits` (skip the whole commit),
 * `ignoreChanges` (emit the files the commit adds, so rewritten rows come again) or, for commits
 * that only delete, `ignoreDeletes`. Adds with dataChange=false (compaction) are skipped.
 * With `schemaTrackingLocation`, a schema change ends the batch at a barrier offset and the stream
 * restarts with the new schema (schema-tracking.ts); without it, commits the stream cannot read
 * across stop it (delta/stream-schema-check.ts).
 */
import { joinPath } from "../../fs/path.js";
import { SluiceError, configError, inputError } from "../../common/errors.js";
import type { Action, AddFile, Metadata, Protocol } from "../../delta/actions.js";
import { type LogLocation, dataFilePath } from "../../delta/data-path.js";
import { LogStore, commitFileName } from "../../delta/log-store.js";
import { physicalName } from "../../delta/column-mapping.js";
import { parsePartitionValue } from "../../delta/partition-values.js";
import { type ActiveFile, loadSnapshot } from "../../delta/snapshot.js";
import { checkStreamSchemaChange } from "../../delta/stream-schema-check.js";
import { commitTimestamps, toEpochMs } from "../../delta/time-travel.js";
import type { ExecutionPlan } from "../../physical/execution-plan.js";
import type { StructType } from "../../types/struct-type.js";
import type { Offset, ReadLimit, StreamSource } from "../api/source.js";
import { readDeltaFiles } from "./delta-scan.js";
import { METADATA_CHANGE_INDEX, POST_METADATA_CHANGE_INDEX, type SchemaTracking, type UnblockOptions } from "./schema-tracking.js";

export interface DeltaSourceOffset {
  readonly reservoirVersion: number;
  readonly index: number;
  readonly isStartingVersion: boolean;
}

export interface DeltaSourceOptions {
  readonly maxFilesPerTrigger: number;
  readonly maxBytesPerTrigger?: number;
  readonly startingVersion?: number | "latest";
  readonly startingTimestamp?: string;
  readonly ignoreDeletes: boolean;
  readonly ignoreChanges: boolean;
  readonly skipChangeCommits: boolean;
  /** The schema tracking log's folder (option schemaTrackingLocation, or its alias schemaLocation). */
  readonly schemaTrackingLocation?: string;
  readonly unblock: UnblockOptions;
}

/** Parse the source options (keys case-insensitive); reports every bad key at once. */
export function parseDeltaSourceOptions(raw: Readonly<Record<string, string>>): DeltaSourceOptions {
  const o = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k.toLowerCase(), v.trim()]));
  const bad: string[] = [];
  const posInt = (k: string): number | undefined => {
    const v = o[k];
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v) || Number(v) <= 0) bad.push(`${k}=${v} (expected a positive integer)`);
    return Number(v);
  };
  const bool = (k: string): boolean => {
    const v = o[k]?.toLowerCase();
    if (v !== undefined && v !== "true" && v !== "false") bad.push(`${k}=${o[k]} (expected true or false)`);
    return v === "true";
  };
  const maxFiles = posInt("maxfilespertrigger") ?? 1000;
  const maxBytes = o.maxbytespertrigger !== undefined ? parseBytes(o.maxbytespertrigger, bad) : undefined;
  let startingVersion: number | "latest" | undefined;
  if (o.startingversion !== undefined) {
    if (o.startingversion.toLowerCase() === "latest") startingVersion = "latest";
    else if (/^\d+$/.test(o.startingversion)) startingVersion = Number(o.startingversion);
    else bad.push(`startingVersion=${o.startingversion} (expected a version number or "latest")`);
  }
  if (startingVersion !== undefined && o.startingtimestamp !== undefined) bad.push("startingVersion and startingTimestamp (use only one)");
  if (o.schematrackinglocation !== undefined && o.schemalocation !== undefined) bad.push("schemaTrackingLocation and schemaLocation (use only one)");
  const tracking = o.schematrackinglocation ?? o.schemalocation;
  if (tracking === "") bad.push("schemaTrackingLocation (must not be empty)");
  const unblock: Record<string, string> = {};
  for (const key of ["allowSourceColumnRename", "allowSourceColumnDrop", "allowSourceColumnTypeChange"]) {
    const v = o[key.toLowerCase()]?.toLowerCase();
    if (v === undefined) continue;
    if (v !== "always" && !/^\d+$/.test(v)) bad.push(`${key}=${o[key.toLowerCase()]} (expected "always" or the Delta version of the schema change)`);
    if (tracking === undefined) bad.push(`${key} (it applies with a schemaTrackingLocation only)`);
    unblock[key] = v;
  }
  const out: DeltaSourceOptions = {
    maxFilesPerTrigger: maxFiles,
    ...(maxBytes !== undefined ? { maxBytesPerTrigger: maxBytes } : {}),
    ...(startingVersion !== undefined ? { startingVersion } : {}),
    ...(o.startingtimestamp !== undefined ? { startingTimestamp: o.startingtimestamp } : {}),
    ignoreDeletes: bool("ignoredeletes"),
    ignoreChanges: bool("ignorechanges"),
    skipChangeCommits: bool("skipchangecommits"),
    ...(tracking !== undefined ? { schemaTrackingLocation: tracking } : {}),
    unblock,
  };
  if (bad.length > 0) throw configError("INVALID_OPTION", `Invalid Delta source options: ${bad.join("; ")}`, { format: "delta" });
  return out;
}

function parseBytes(v: string, bad: string[]): number {
  const m = /^(\d+)\s*([kmgt]?)b?$/i.exec(v);
  if (!m) {
    bad.push(`maxBytesPerTrigger=${v} (expected a size such as 10m or 1048576)`);
    return 0;
  }
  return Number(m[1]) * 1024 ** "_kmgt".indexOf((m[2] || "_").toLowerCase());
}

interface Entry {
  readonly version: number;
  readonly index: number;
  /** null for a schema change barrier (index METADATA_CHANGE_INDEX). */
  readonly file: ActiveFile | null;
}

export class DeltaSource implements StreamSource {
  readonly description: string;
  readonly #store: LogStore;
  readonly #commitCache = new Map<number, readonly ActiveFile[]>();
  readonly #actionCache = new Map<number, readonly Action[]>();
  readonly #snapshotCache = new Map<number, readonly ActiveFile[]>();
  #schemaVersion: number | undefined;
  /** Trigger.AvailableNow: the last table version the run reads (delta-spark's SupportsTriggerAvailableNow). */
  #availableNowVersion: number | undefined;

  constructor(
    readonly tablePath: string,
    readonly schema: StructType,
    readonly partitionColumns: readonly string[],
    readonly options: DeltaSourceOptions,
    readonly tracking?: SchemaTracking,
  ) {
    this.description = `DeltaSource[${tablePath}]`;
    this.#store = new LogStore(tablePath);
  }

  initialOffset(): Offset {
    return { reservoirVersion: -1, index: -1, isStartingVersion: true } satisfies DeltaSourceOffset;
  }

  defaultReadLimit(): ReadLimit {
    return { kind: "maxFiles", files: this.options.maxFilesPerTrigger };
  }

  async latestOffset(start: Offset, limit: ReadLimit): Promise<Offset> {
    const barrier = await this.pastBarrier(start as DeltaSourceOffset);
    if (barrier) return barrier;
    const s = await this.resolveStart(start as DeltaSourceOffset);
    if (this.tracking && !this.tracking.current) {
      const snap = await loadSnapshot(this.tablePath, { version: s.reservoirVersion });
      this.tracking.initialize(snap.metadata, snap.protocol, s.reservoirVersion, this.schema.json());
    }
    const listing = await this.#store.list();
    const latest = Math.min(listing.commits.at(-1)?.version ?? -1, this.#availableNowVersion ?? Infinity);
    const maxFiles = limit.kind === "all" ? Infinity : limit.kind === "maxFiles" ? limit.files : this.options.maxFilesPerTrigger;
    const maxBytes = limit.kind === "all" ? Infinity : limit.kind === "maxBytes" ? limit.bytes : (this.options.maxBytesPerTrigger ?? Infinity);
    let end: DeltaSourceOffset = s;
    let files = 0;
    let bytes = 0;
    for await (const e of this.entriesAfter(s, latest)) {
      if (e.file === null) return { reservoirVersion: e.version, index: e.index, isStartingVersion: false };
      if (files >= maxFiles || (files > 0 && bytes + e.file.size > maxBytes)) return end;
      files++;
      bytes += e.file.size;
      end = { reservoirVersion: e.version, index: e.index, isStartingVersion: e.version === s.reservoirVersion && s.isStartingVersion };
    }
    if (files === 0) return start; // nothing new: no batch
    // everything up to `latest` is read: move past versions that added nothing
    if (latest > end.reservoirVersion) return { reservoirVersion: latest, index: lastIndex(await this.commitFiles(latest)), isStartingVersion: false };
    return end;
  }

  /**
   * Trigger.AvailableNow: read up to the table version of now, batch by batch within the read
   * limits, so that a run passes a schema change barrier as delta-spark's does.
   */
  async prepareForTriggerAvailableNow(): Promise<void> {
    this.#availableNowVersion = (await this.#store.list()).commits.at(-1)?.version ?? -1;
  }

  /**
   * After a barrier offset (schema-tracking.ts step 2): the offset right after it, so that the
   * batch ending at the barrier becomes final; then no new offset until the stream restarts
   * with the new schema.
   */
  private async pastBarrier(s: DeltaSourceOffset): Promise<DeltaSourceOffset | undefined> {
    if (!this.tracking) return undefined;
    if (s.index === METADATA_CHANGE_INDEX) return { ...s, index: POST_METADATA_CHANGE_INDEX };
    if (s.index === POST_METADATA_CHANGE_INDEX && this.metadataChangeAt(await this.commitActions(s.reservoirVersion), s.reservoirVersion)) return s;
    return undefined;
  }

  /** True when the schema tracking log must take commit `version`'s metadata before the stream reads its files. */
  private metadataChangeAt(actions: readonly Action[], version: number): boolean {
    if (!this.tracking) return false;
    let md: Metadata | undefined;
    let protocol: Protocol | undefined;
    for (const a of actions) {
      if (a.kind === "metaData") md = a.value;
      else if (a.kind === "protocol") protocol = a.value;
    }
    return this.tracking.changed(md, protocol, version);
  }

  /** The real start: the initial offset becomes the snapshot at `latest` or the starting version. */
  private async resolveStart(s: DeltaSourceOffset): Promise<DeltaSourceOffset> {
    if (s.reservoirVersion >= 0 || !s.isStartingVersion) return s;
    const listing = await this.#store.list();
    const latest = listing.commits.at(-1)?.version ?? -1;
    const o = this.options;
    if (o.startingVersion === "latest") return { reservoirVersion: latest, index: lastIndex(await this.commitFiles(latest)), isStartingVersion: false };
    if (o.startingVersion !== undefined) {
      if (o.startingVersion > latest) {
        throw inputError("DELTA_VERSION_NOT_FOUND", `startingVersion ${o.startingVersion} of ${this.tablePath} is after the latest version ${latest}`, { table: this.tablePath });
      }
      return { reservoirVersion: o.startingVersion, index: -1, isStartingVersion: false };
    }
    if (o.startingTimestamp !== undefined) {
      const t = toEpochMs(o.startingTimestamp);
      const stamps = [...commitTimestamps(listing.commits)];
      const hit = stamps.find(([, ts]) => ts >= t);
      if (!hit) {
        throw new SluiceError("input", "DELTA_TIMESTAMP_GREATER_THAN_COMMIT", `startingTimestamp ${new Date(t).toISOString()} is after the latest commit of ${this.tablePath} (version ${latest})`, { table: this.tablePath });
      }
      return { reservoirVersion: hit[0], index: -1, isStartingVersion: false };
    }
    return { reservoirVersion: latest, index: -1, isStartingVersion: true };
  }

  /** Files after offset `s` up to version `last`, in stream order. */
  private async *entriesAfter(s: DeltaSourceOffset, last: number): AsyncGenerator<Entry> {
    let v = s.reservoirVersion;
    if (s.isStartingVersion) {
      const files = await this.snapshotFiles(v);
      for (let i = s.index + 1; i < files.length; i++) yield { version: v, index: i, file: files[i]! };
      v++;
    } else {
      if (s.index === -1 && this.metadataChangeAt(await this.commitActions(v), v)) return yield { version: v, index: METADATA_CHANGE_INDEX, file: null };
      const files = await this.commitFiles(v);
      for (let i = Math.max(s.index + 1, 0); i < files.length; i++) yield { version: v, index: i, file: files[i]! };
      v++;
    }
    for (; v <= last; v++) {
      if (this.metadataChangeAt(await this.commitActions(v), v)) return yield { version: v, index: METADATA_CHANGE_INDEX, file: null };
      const files = await this.commitFiles(v);
      for (let i = 0; i < files.length; i++) yield { version: v, index: i, file: files[i]! };
    }
  }

  private async snapshotFiles(version: number): Promise<readonly ActiveFile[]> {
    let files = this.#snapshotCache.get(version);
    if (!files) {
      const snap = await loadSnapshot(this.tablePath, { version });
      files = [...snap.files].sort((a, b) => a.modificationTime - b.modificationTime || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      this.#snapshotCache.set(version, files);
    }
    return files;
  }

  /** The data files commit `version` adds; checks Delta's rules for commits that change data. */
  private async commitFiles(version: number): Promise<readonly ActiveFile[]> {
    const cached = this.#commitCache.get(version);
    if (cached) return cached;
    const actions = await this.commitActions(version);
    const where: LogLocation = { file: joinPath(this.#store.logPath, commitFileName(version)), version };
    const adds: AddFile[] = [];
    let removes = 0;
    for (const a of actions) {
      if (a.kind === "metaData") {
        // the schema the stream reads with: the tracked one, else the table's when the source started
        this.#schemaVersion ??= this.tracking?.current?.deltaCommitVersion ?? (await this.#store.list()).commits.at(-1)?.version ?? -1;
        checkStreamSchemaChange({ table: this.tablePath, schema: this.schema, partitionColumns: this.partitionColumns, version: this.#schemaVersion }, a.value, version);
      }
      // Every file action must name a file of this table, even one the stream skips.
      if (a.kind === "add" || a.kind === "remove") dataFilePath(this.tablePath, a.value.path, { action: a.kind, ...where });
      if (a.kind === "add" && a.value.dataChange) adds.push(a.value);
      else if (a.kind === "remove" && a.value.dataChange) removes++;
    }
    let out: ActiveFile[] = adds.map((a) => this.toActive(a, where));
    if (removes > 0) {
      if (this.options.skipChangeCommits) out = [];
      else if (!this.options.ignoreChanges && !(this.options.ignoreDeletes && adds.length === 0)) {
        throw new SluiceError(
          "execution",
          "DELTA_SOURCE_TABLE_IGNORE_CHANGES",
          `Detected a data update (for example UPDATE, DELETE, MERGE or OVERWRITE) in the source table ${this.tablePath} at version ${version}. This is currently not supported. ` +
            `If this is going to happen regularly and you are okay to skip changes, set the option 'skipChangeCommits' to 'true' (or 'ignoreDeletes' for commits that only delete). ` +
            `To see the change, restart the query with a fresh checkpoint directory.`,
          { table: this.tablePath, version },
        );
      }
    }
    this.#commitCache.set(version, out);
    return out;
  }

  private async commitActions(version: number): Promise<readonly Action[]> {
    let actions = this.#actionCache.get(version);
    if (!actions) {
      actions = await this.#store.readCommit(version);
      this.#actionCache.set(version, actions);
    }
    return actions;
  }

  private toActive(a: AddFile, where: LogLocation): ActiveFile {
    const partitionData: Record<string, unknown> = {};
    for (const c of this.partitionColumns) {
      const f = this.schema.fields[this.schema.indexOf(c)]!;
      const want = physicalName(f, "name").toLowerCase(); // keyed by physical name under column mapping
      const key = Object.keys(a.partitionValues).find((k) => k.toLowerCase() === want);
      partitionData[c] = parsePartitionValue(key === undefined ? null : a.partitionValues[key], f.type, c);
    }
    return { ...a, tablePath: this.tablePath, absolutePath: dataFilePath(this.tablePath, a.path, { action: "add", ...where }), parsedStats: null, partitionData };
  }

  getBatch(start: Offset, end: Offset): ExecutionPlan {
    const e = end as DeltaSourceOffset;
    const self = this;
    return {
      name: "DeltaSourceScanExec",
      schema: this.schema,
      children: [],
      describe: () => `DeltaSourceScanExec: ${this.tablePath} (${this.serializeOffset(start)}, ${this.serializeOffset(end)}]`,
      async *execute(ctx) {
        const s = await self.resolveStart(start as DeltaSourceOffset);
        const files: ActiveFile[] = [];
        for await (const x of self.entriesAfter(s, e.reservoirVersion)) {
          if (x.version > e.reservoirVersion || (x.version === e.reservoirVersion && x.index > e.index)) break;
          if (x.file) files.push(x.file);
        }
        yield* readDeltaFiles(files, self.schema, self.partitionColumns, ctx.batchSize);
      },
    };
  }

  serializeOffset(offset: Offset): string {
    const o = offset as DeltaSourceOffset;
    // delta-spark writes sourceVersion 3 for the barrier offsets of schema tracking
    return JSON.stringify({ sourceVersion: o.index < -1 ? 3 : 1, reservoirVersion: o.reservoirVersion, index: o.index, isStartingVersion: o.isStartingVersion });
  }

  deserializeOffset(json: string): Offset {
    let o: Partial<DeltaSourceOffset>;
    try {
      o = JSON.parse(json) as Partial<DeltaSourceOffset>;
    } catch (e) {
      throw inputError("INVALID_OFFSET", `Invalid Delta source offset ${json}`, {}, e);
    }
    if (typeof o.reservoirVersion !== "number" || typeof o.index !== "number" || typeof o.isStartingVersion !== "boolean") {
      throw inputError("INVALID_OFFSET", `Invalid Delta source offset ${json}: expected reservoirVersion, index and isStartingVersion`);
    }
    return { reservoirVersion: o.reservoirVersion, index: o.index, isStartingVersion: o.isStartingVersion } satisfies DeltaSourceOffset;
  }

  /** Schema tracking step 3: once the batch ending at a barrier is final, the log takes the new metadata and the stream stops. */
  async commit(end: Offset): Promise<void> {
    const e = end as DeltaSourceOffset;
    if (!this.tracking || (e.index !== METADATA_CHANGE_INDEX && e.index !== POST_METADATA_CHANGE_INDEX)) return;
    const actions = await this.commitActions(e.reservoirVersion);
    if (!this.metadataChangeAt(actions, e.reservoirVersion)) return;
    const snap = await loadSnapshot(this.tablePath, { version: e.reservoirVersion });
    this.tracking.evolve(snap.metadata, snap.protocol, e.reservoirVersion);
  }
  async stop(): Promise<void> {}
}

const lastIndex = (files: readonly unknown[]): number => files.length - 1;
