/**
 * Atomic, durable file writes: temp file in the same folder → write → fsync → rename → fsync(dir).
 * A reader therefore sees either the old file or the complete new one, never a torn write.
 * `createOnly` refuses to replace an existing file (used by logs, where batch N is written once).
 */
import { closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { randomUUID } from "node:crypto";

const TMP_SUFFIX = ".tmp";
/** `.<name>.<uuid>.tmp`, the temp files writeFileAtomic makes. */
const TMP_NAME = /^\..+\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.tmp$/;

/**
 * A temp file younger than this may belong to a write in flight (another run wrongly started on
 * the same checkpoint is refused later, when it writes its first log entry): it is left alone.
 */
export const ORPHAN_TEMP_MIN_AGE_MS = 60_000;

/**
 * Delete the temp files a killed writeFileAtomic left in `dir` (and, with `recursive`, in its
 * sub-folders except those named in `skip`) that are older than ORPHAN_TEMP_MIN_AGE_MS, e.g. in a
 * checkpoint at query start: one run owns a checkpoint. Returns the paths removed.
 */
export function removeOrphanTempFiles(dir: string, options: { recursive?: boolean; skip?: readonly string[] } = {}): string[] {
  const removed: string[] = [];
  if (!existsSync(dir)) return removed;
  const before = Date.now() - ORPHAN_TEMP_MIN_AGE_MS;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isFile() && TMP_NAME.test(e.name) && (statSync(p, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < before) {
      rmSync(p, { force: true });
      removed.push(p);
    } else if (e.isDirectory() && options.recursive && !options.skip?.includes(e.name)) {
      removed.push(...removeOrphanTempFiles(p, options));
    }
  }
  return removed;
}

export function fsyncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Write `data` (a string, bytes, or pieces in order) to `path` atomically. With `createOnly`, returns false (and writes nothing) when
 * the file already exists — the hard link is the atomic "create if absent".
 */
export function writeFileAtomic(path: string, data: string | Uint8Array | Iterable<string | Uint8Array>, options: { createOnly?: boolean } = {}): boolean {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${randomUUID()}${TMP_SUFFIX}`);
  const fd = openSync(tmp, "wx");
  try {
    // An iterable is written piece by piece, so a large file is never one string.
    const pieces = typeof data === "string" || data instanceof Uint8Array ? [data] : data;
    for (const piece of pieces) {
      const buf = typeof piece === "string" ? Buffer.from(piece, "utf8") : piece;
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    if (options.createOnly) {
      try {
        linkSync(tmp, path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
        throw e;
      }
    } else {
      renameSync(tmp, path);
    }
  } finally {
    if (options.createOnly) {
      try {
        unlinkSync(tmp);
      } catch {
        /* already gone */
      }
    }
  }
  fsyncDir(dir);
  return true;
}
