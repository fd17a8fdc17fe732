/**
 * Atomic, durable file writes on any file system (src/fs): a reader sees either the old file or
 * the complete new one, never a torn write — locally temp file → fsync → rename → fsync(dir), on
 * object stores one PUT. `createOnly` refuses to replace an existing file (used by logs, where
 * batch N is written once): a hard link locally, `If-None-Match: *` on S3 and Azure.
 */
import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { FileData } from "../../fs/file-system.js";
import { fileSystemFor } from "../../fs/file-systems.js";
import { LOCAL_TEMP_NAME } from "../../fs/local-file-system.js";
import { isLocalPath, localPathOf } from "../../fs/path.js";

export { fsyncDir } from "../../fs/local-file-system.js";

/**
 * A temp file younger than this may belong to a write in flight (another run wrongly started on
 * the same checkpoint is refused later, when it writes its first log entry): it is left alone.
 */
export const ORPHAN_TEMP_MIN_AGE_MS = 60_000;

/**
 * Delete the temp files a killed writeFileAtomic left in `dir` (and, with `recursive`, in its
 * sub-folders except those named in `skip`) that are older than ORPHAN_TEMP_MIN_AGE_MS, e.g. in a
 * checkpoint at query start: one run owns a checkpoint. Returns the paths removed. Object stores
 * have no temp files (a PUT is whole or absent): nothing to do there.
 */
export function removeOrphanTempFiles(dir: string, options: { recursive?: boolean; skip?: readonly string[] } = {}): string[] {
  const removed: string[] = [];
  if (!isLocalPath(dir)) return removed;
  const local = localPathOf(dir);
  if (!statSync(local, { throwIfNoEntry: false })?.isDirectory()) return removed;
  const before = Date.now() - ORPHAN_TEMP_MIN_AGE_MS;
  for (const e of readdirSync(local, { withFileTypes: true })) {
    const p = join(local, e.name);
    if (e.isFile() && LOCAL_TEMP_NAME.test(e.name) && (statSync(p, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < before) {
      rmSync(p, { force: true });
      removed.push(p);
    } else if (e.isDirectory() && options.recursive && !options.skip?.includes(e.name)) {
      removed.push(...removeOrphanTempFiles(p, options));
    }
  }
  return removed;
}

/**
 * Write `data` (a string, bytes, or pieces in order) to `path` atomically. With `createOnly`, returns false (and writes nothing) when
 * the file already exists.
 */
export function writeFileAtomic(path: string, data: FileData, options: { createOnly?: boolean } = {}): boolean {
  return fileSystemFor(path).create(path, data, { overwrite: !options.createOnly });
}
