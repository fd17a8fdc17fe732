/**
 * Streaming file source (Spark's FileStreamSource): each new file is read exactly once across
 * restarts.
 *   1. latestOffset lists the path as the batch reader does (list-files.ts), keeps files not
 *      seen before (by path, or by name with fileNameOnly; not older than maxFileAge relative to
 *      the newest file seen), orders them by modification time (newest first with latestFirst),
 *      takes what the read limit allows, and logs them as source log entry N+1 BEFORE returning
 *      offset N+1.
 *   2. getBatch(start, end) reads the files of entries start+1..end; a file deleted since it was
 *      logged fails the batch naming it, or is skipped with ignoreMissingFiles (tolerant-read.ts).
 *   3. On restart, the seen set is rebuilt from the source log.
 *   4. commit(end) applies cleanSource (archive or delete) to files of committed entries, on
 *      whichever file system holds them (an object store has no rename: archiving copies the
 *      object, then deletes it, as Hadoop's S3A rename does).
 */
import { log } from "../../common/logger.js";
import { mkdirSync, renameSync } from "node:fs";
import { basename, dirname } from "node:path";
import { fileSystemFor } from "../../fs/file-systems.js";
import { isLocalPath, joinPath, parseUri, qualifyPath } from "../../fs/path.js";
import { configError, inputError } from "../../common/errors.js";
import { parseIntervalMs } from "../../common/duration.js";
import type { ColumnBatch } from "../../columnar/column-batch.js";
import type { ExecutionPlan, TaskContext } from "../../physical/execution-plan.js";
import type { StructType } from "../../types/struct-type.js";
import type { Offset, ReadLimit, StreamSource } from "../api/source.js";
import { FileStreamSourceLog, type FileEntry } from "./file-stream-source-log.js";
import { listFiles } from "./list-files.js";
import { asFileFormat } from "../files/file-source.js";
import { globRegExp, isGlob } from "../files/file-listing.js";
import { type FileListingOptions, parseFileReadOptions } from "../files/options.js";

export type ReadFileBatches = (format: string, path: string, schema: StructType, options: Readonly<Record<string, string>>, ctx: TaskContext) => AsyncIterable<ColumnBatch>;
/** Reads several files as one stream, in file order then record order (e.g. decoding ahead in worker threads). */
export type ReadFilesBatches = (
  format: string,
  files: readonly { readonly path: string; readonly sizeBytes: number }[],
  schema: StructType,
  options: Readonly<Record<string, string>>,
  ctx: TaskContext,
  /** Where `col=value` partition folders start: such columns of `schema` come from the file's path. */
  partitionRoot?: string,
) => AsyncIterable<ColumnBatch>;

export interface FileStreamSourceOptions {
  readonly maxFilesPerTrigger?: number;
  readonly maxBytesPerTrigger?: number;
  readonly latestFirst: boolean;
  readonly maxFileAgeMs: number;
  readonly cleanSource: "off" | "archive" | "delete";
  readonly sourceArchiveDir?: string;
  /** Tell files apart by name only, not by full path (Spark's fileNameOnly). */
  readonly fileNameOnly: boolean;
}

/** Parse and validate the source options, reporting every bad key at once. */
export function parseFileStreamOptions(raw: Readonly<Record<string, string>>): FileStreamSourceOptions {
  const o = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k.toLowerCase(), v]));
  const bad: string[] = [];
  const posInt = (key: string): number | undefined => {
    const v = o[key.toLowerCase()];
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) bad.push(`${key}=${v} (expected a positive integer)`);
    return n;
  };
  const maxFilesPerTrigger = posInt("maxFilesPerTrigger");
  const maxBytesPerTrigger = posInt("maxBytesPerTrigger");
  const bool = (key: string): boolean => {
    const v = (o[key.toLowerCase()] ?? "false").toLowerCase();
    if (v !== "true" && v !== "false") bad.push(`${key}=${o[key.toLowerCase()]} (expected true or false)`);
    return v === "true";
  };
  const latestFirst = bool("latestFirst") ? "true" : "false";
  const fileNameOnly = bool("fileNameOnly");
  let maxFileAgeMs = 7 * 86_400_000;
  if (o.maxfileage !== undefined) {
    try {
      maxFileAgeMs = parseIntervalMs(o.maxfileage);
    } catch {
      bad.push(`maxFileAge=${o.maxfileage} (expected an interval such as "7d" or "1 hour")`);
    }
  }
  const cleanSource = (o.cleansource ?? "off").toLowerCase();
  if (!["off", "archive", "delete"].includes(cleanSource)) bad.push(`cleanSource=${o.cleansource} (expected off, archive or delete)`);
  if (cleanSource === "archive" && !o.sourcearchivedir) bad.push("cleanSource=archive needs sourceArchiveDir");
  if (maxFilesPerTrigger !== undefined && maxBytesPerTrigger !== undefined) bad.push("maxFilesPerTrigger and maxBytesPerTrigger cannot be set together");
  if (bad.length > 0) throw configError("INVALID_OPTION", `Invalid file source options: ${bad.join("; ")}`);
  return {
    ...(maxFilesPerTrigger !== undefined ? { maxFilesPerTrigger } : {}),
    ...(maxBytesPerTrigger !== undefined ? { maxBytesPerTrigger } : {}),
    latestFirst: latestFirst === "true",
    // Spark ignores maxFileAge when latestFirst and maxFilesPerTrigger are both set.
    maxFileAgeMs: latestFirst === "true" && maxFilesPerTrigger !== undefined ? Infinity : maxFileAgeMs,
    cleanSource: cleanSource as FileStreamSourceOptions["cleanSource"],
    ...(o.sourcearchivedir ? { sourceArchiveDir: qualifyPath(o.sourcearchivedir) } : {}),
    fileNameOnly,
  };
}

/**
 * Spark's SourceFileArchiver check: an archived file lands at `<archive>/<its full path>`, so the
 * archive folder must not match the source path (glob) at the depth both share, or archived
 * files could be read again; and it must be on the source's file system (the same scheme and
 * bucket or container). Refused at start, with Spark's words.
 */
export function checkArchiveDir(sourcePath: string, archiveDir: string): void {
  if (fileSystemUri(sourcePath) !== fileSystemUri(archiveDir)) {
    throw configError(
      "INVALID_OPTION",
      `Base archive path is located on a different file system than the source files. source path: ${sourcePath} / base archive path: ${archiveDir}`,
      { option: "sourceArchiveDir" },
    );
  }
  const parts = (p: string): string[] => pathPart(p).split("/").filter((x) => x !== "");
  const source = parts(sourcePath);
  const archive = parts(archiveDir);
  const depth = Math.min(source.length, archive.length);
  const matches = source.slice(0, depth).every((pattern, i) => globRegExp(pattern).test(archive[i]!));
  if (matches) {
    throw configError(
      "INVALID_OPTION",
      `Base archive path cannot be set to the path where archived path can possibly match with source pattern. Ensure the base archive path doesn't match with source pattern in depth, where the depth is minimum of depth on both paths (sourceArchiveDir=${archiveDir}, source path ${sourcePath}).`,
      { option: "sourceArchiveDir" },
    );
  }
}

/** The file system holding `p`, as Hadoop's FileSystem.getUri: `file:///`, `s3a://bucket`, ... */
const fileSystemUri = (p: string): string => (isLocalPath(p) ? "file:///" : ((u) => `${u.scheme}://${u.authority}`)(parseUri(p)));
/** The path of `p` without scheme and authority (`s3a://b/x/y` → `/x/y`), as Hadoop's `toUri.getPath`. */
const pathPart = (p: string): string => (isLocalPath(p) ? qualifyPath(p) : `/${parseUri(p).key}`);

export class FileStreamSource implements StreamSource {
  readonly #log: FileStreamSourceLog;
  /** Files logged so far, by path (or by name with fileNameOnly), with their modification times. */
  readonly #seen = new Map<string, number>();
  readonly #listing: FileListingOptions;
  #currentLogOffset = -1;
  #newestTimestamp = 0;
  #availableNowTarget: number | undefined;
  /** Trigger.AvailableNow: the offset the run started from (its first batch's start). */
  #availableNowStart: number | undefined;
  /** Files per log entry, for availableNowProgress. */
  readonly #entryFiles = new Map<number, number>();
  #lastCleaned = -1;
  /** Malformed records of the batch read in the current trigger (reset by latestOffset). */
  #malformed = { malformed: 0, dropped: 0 };

  constructor(
    readonly schema: StructType,
    private readonly format: string,
    private readonly path: string,
    private readonly readerOptions: Readonly<Record<string, string>>,
    private readonly opts: FileStreamSourceOptions,
    logDir: string,
    private readonly readFile: ReadFileBatches,
    /** When given, getBatch reads all its files through it instead of file after file with readFile. */
    private readonly readFiles?: ReadFilesBatches,
  ) {
    this.#listing = parseFileReadOptions(asFileFormat(format), readerOptions, { streaming: true, sessionTimeZone: "UTC" }).listing;
    if (opts.cleanSource === "archive") checkArchiveDir(path, opts.sourceArchiveDir!);
    this.#log = new FileStreamSourceLog(logDir);
    for (const id of this.#log.listBatchIds()) {
      for (const f of this.#log.get(id)!) this.remember(f.path, f.timestamp);
      this.#currentLogOffset = id;
    }
  }

  get description(): string {
    return `FileStreamSource[${qualifyPath(this.path)}]`;
  }

  private seenKey(path: string): string {
    return this.opts.fileNameOnly ? basename(path) : path;
  }

  private remember(path: string, ts: number): void {
    this.#seen.set(this.seenKey(path), ts);
    if (ts > this.#newestTimestamp) this.#newestTimestamp = ts;
  }

  initialOffset(): Offset {
    return -1;
  }

  defaultReadLimit(): ReadLimit {
    if (this.opts.maxFilesPerTrigger !== undefined) return { kind: "maxFiles", files: this.opts.maxFilesPerTrigger };
    if (this.opts.maxBytesPerTrigger !== undefined) return { kind: "maxBytes", bytes: this.opts.maxBytesPerTrigger };
    return { kind: "all" };
  }

  /** Trigger.AvailableNow: log every file present now (in limit-sized entries) and stop there. */
  async prepareForTriggerAvailableNow(): Promise<void> {
    while (this.logNewFiles(this.defaultReadLimit())) {
      /* one entry per read limit */
    }
    this.#availableNowTarget = this.#currentLogOffset;
  }

  /** Files read of the available-now target: those of the log entries after the run's start, up to `committed`. */
  availableNowProgress(committed: Offset): { done: number; total: number; unit: string } | undefined {
    const [start, target] = [this.#availableNowStart, this.#availableNowTarget];
    if (start === undefined || target === undefined) return undefined;
    let [done, total] = [0, 0];
    for (let id = start + 1; id <= target; id++) {
      let n = this.#entryFiles.get(id);
      if (n === undefined) this.#entryFiles.set(id, (n = this.#log.get(id)?.length ?? 0));
      total += n;
      if (id <= (committed as number)) done += n;
    }
    return { done, total, unit: "files" };
  }

  async latestOffset(start: Offset, limit: ReadLimit): Promise<Offset> {
    this.#malformed = { malformed: 0, dropped: 0 };
    if (this.#availableNowTarget !== undefined) {
      // Hand out the logged entries one at a time so each batch respects the read limit.
      const s = start as number;
      this.#availableNowStart ??= s;
      return limit.kind === "all" ? this.#availableNowTarget : Math.min(s + 1, this.#availableNowTarget);
    }
    // Entries logged but not yet handed out (e.g. before a crash) are returned first.
    if ((start as number) < this.#currentLogOffset) return this.#currentLogOffset;
    this.logNewFiles(limit);
    return this.#currentLogOffset;
  }

  /** Step 1: log the next files under `limit` as a new entry; false when none are new. */
  private logNewFiles(limit: ReadLimit): boolean {
    const cutoff = this.#newestTimestamp - this.opts.maxFileAgeMs;
    const fresh = listFiles(this.path, this.#listing)
      .filter((f) => !this.#seen.has(this.seenKey(f.path)) && f.mtimeMs >= cutoff)
      .sort((a, b) => (this.opts.latestFirst ? b.mtimeMs - a.mtimeMs : a.mtimeMs - b.mtimeMs) || a.path.localeCompare(b.path));
    let take = fresh;
    if (limit.kind === "maxFiles") take = fresh.slice(0, limit.files);
    else if (limit.kind === "maxBytes") {
      let bytes = 0;
      let n = 0;
      for (const f of fresh) {
        if (n > 0 && bytes + f.sizeBytes > limit.bytes) break;
        bytes += f.sizeBytes;
        n++;
      }
      take = fresh.slice(0, n);
    }
    if (take.length === 0) return false;
    const next = this.#currentLogOffset + 1;
    const entries: FileEntry[] = take.map((f) => ({ path: f.path, timestamp: f.mtimeMs, batchId: next, sizeBytes: f.sizeBytes }));
    this.#log.add(next, entries);
    for (const e of entries) this.remember(e.path, e.timestamp);
    this.#currentLogOffset = next;
    return true;
  }

  getBatch(start: Offset, end: Offset): ExecutionPlan {
    const files: FileEntry[] = [];
    for (let id = (start as number) + 1; id <= (end as number); id++) {
      const entry = this.#log.get(id);
      if (!entry) throw inputError("SOURCE_LOG_MISSING", `The file source log entry ${this.#log.pathOf(id)} is missing; the checkpoint is damaged`, { file: this.#log.pathOf(id) });
      files.push(...entry);
    }
    const { format, readerOptions, readFile, readFiles, schema } = this;
    const partitionRoot = this.partitionRoot();
    const setCounts = (c: { malformed: number; dropped: number }) => (this.#malformed = c);
    return {
      name: "FileStreamScanExec",
      schema,
      children: [],
      describe: () => `FileStreamScanExec: ${format} ${files.length} files (${String(start)}, ${String(end)}]`,
      async *execute(ctx) {
        const c = setCounts({ malformed: 0, dropped: 0 });
        const task = { ...ctx, malformedRecords: c };
        if (readFiles) yield* readFiles(format, files, schema, readerOptions, task, partitionRoot);
        else for (const f of files) yield* readFile(format, f.path, schema, readerOptions, task);
      },
    };
  }

  /** basePath, else the source folder (none for a glob, or with recursiveFileLookup, which infers no partitions). */
  private partitionRoot(): string | undefined {
    if (this.#listing.recursiveFileLookup) return undefined;
    if (this.#listing.basePath !== undefined) return qualifyPath(this.#listing.basePath);
    return isGlob(this.path) ? undefined : qualifyPath(this.path);
  }

  serializeOffset(offset: Offset): string {
    return JSON.stringify({ logOffset: offset });
  }
  deserializeOffset(json: string): Offset {
    const o = JSON.parse(json) as { logOffset?: unknown };
    if (typeof o.logOffset !== "number") throw inputError("INVALID_OFFSET", `Invalid file source offset ${json}`);
    if (o.logOffset > this.#currentLogOffset) this.#log.checkHas(o.logOffset); // a logged offset beyond the source log: entries were lost
    return o.logOffset;
  }

  async commit(end: Offset): Promise<void> {
    if (this.opts.cleanSource === "off") return;
    for (let id = this.#lastCleaned + 1; id <= (end as number); id++) {
      for (const f of this.#log.get(id) ?? []) this.clean(f.path);
    }
    this.#lastCleaned = end as number;
  }

  private clean(path: string): void {
    try {
      const fs = fileSystemFor(path, this.readerOptions);
      if (this.opts.cleanSource === "delete") {
        fs.delete(path, false);
        return;
      }
      // The file's full original path below the archive folder, as Spark's SourceFileArchiver.
      const target = joinPath(this.opts.sourceArchiveDir!, pathPart(path));
      if (isLocalPath(path)) {
        mkdirSync(dirname(target), { recursive: true });
        renameSync(qualifyPath(path), target);
      } else {
        fs.create(target, fs.open(path), { overwrite: true });
        fs.delete(path, false);
      }
    } catch (e) {
      log.warn(`cleanSource could not ${this.opts.cleanSource} ${path}: ${(e as Error).message}`);
    }
  }

  /**
   * Progress `sources[].metrics`. Beyond Spark: the malformed records of this trigger's batch
   * (numMalformedRecords: all of them; numDroppedMalformedRecords: those DROPMALFORMED dropped).
   */
  metrics(): Record<string, string> {
    const m = this.#malformed;
    return { numFilesSeen: String(this.#seen.size), numMalformedRecords: String(m.malformed), numDroppedMalformedRecords: String(m.dropped) };
  }

  async stop(): Promise<void> {}
}
