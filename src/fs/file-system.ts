/**
 * The file-system contract every reader, writer, the file stream source and sink, Delta and the
 * streaming checkpoint use (Hadoop's FileSystem vocabulary). Implementations: local disk
 * (local-file-system.ts) and object stores, S3 and Azure Blob (object-store-file-system.ts).
 *
 * Calls are synchronous, as the engine's callers are; object stores do their network I/O in a
 * worker thread (object-store-bridge.ts). Guarantees every implementation must keep:
 *   - `create` publishes a whole file at once: a reader sees the old content or the new one,
 *     never part of a file (locally temp + fsync + rename; on object stores one PUT).
 *   - `create` with `overwrite: false` is put-if-absent: of two writers of the same path exactly
 *     one gets true (locally a hard link; S3 and Azure `If-None-Match: *`).
 *   - an absent folder lists as empty (object stores cannot tell it from an empty one).
 */

/** What `getFileStatus` and `listStatus` return. */
export interface FileStatus {
  /** The path as this file system spells it (local absolute path or full URI). */
  readonly path: string;
  readonly length: number;
  /** Milliseconds since the epoch (an object store's last-modified time). */
  readonly modificationTime: number;
  readonly isDirectory: boolean;
}

/** A file's content: a string (UTF-8), bytes, or pieces written in order. */
export type FileData = string | Uint8Array | Iterable<string | Uint8Array>;

export interface FileSystem {
  /** `file`, `s3a`, `abfss`, ... */
  readonly scheme: string;
  /** The status of `path`, or null when nothing is there. */
  getFileStatus(path: string): FileStatus | null;
  exists(path: string): boolean;
  /** The files and folders directly inside `dir` (sorted by path); [] when it is absent. */
  listStatus(dir: string): FileStatus[];
  /**
   * The bytes of `path`, or with `range` only `length` bytes from `offset` (fewer at the end of the
   * file). Throws SluiceError FS_FILE_NOT_FOUND when the file is absent.
   */
  open(path: string, range?: { readonly offset: number; readonly length: number }): Buffer;
  /**
   * Write `data` to `path` as one whole file (folders created as needed). With `overwrite: false`,
   * returns false and writes nothing when the file already exists (put-if-absent).
   */
  create(path: string, data: FileData, options: { readonly overwrite: boolean }): boolean;
  /** Remove `path` (with `recursive`, a folder and everything in it); false when nothing was there. */
  delete(path: string, recursive: boolean): boolean;
  /** Make `dir` and its parents (nothing to do on object stores, where folders are key prefixes). */
  mkdirs(dir: string): void;
}

/** Concatenate FileData into one buffer (object stores send a file in one request). */
export function fileDataBytes(data: FileData): Buffer {
  if (typeof data === "string") return Buffer.from(data, "utf8");
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const parts: Buffer[] = [];
  for (const p of data) parts.push(typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.from(p.buffer, p.byteOffset, p.byteLength));
  return Buffer.concat(parts);
}
