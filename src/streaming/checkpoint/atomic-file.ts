/**
 * Atomic, durable file writes: temp file in the same folder → write → fsync → rename → fsync(dir).
 * A reader therefore sees either the old file or the complete new one, never a torn write.
 * `createOnly` refuses to replace an existing file (used by logs, where batch N is written once).
 */
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { randomUUID } from "node:crypto";

export function fsyncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Write `data` (a string, bytes, or string pieces in order) to `path` atomically. With `createOnly`, returns false (and writes nothing) when
 * the file already exists — the hard link is the atomic "create if absent".
 */
export function writeFileAtomic(path: string, data: string | Uint8Array | Iterable<string>, options: { createOnly?: boolean } = {}): boolean {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${randomUUID()}.tmp`);
  const fd = openSync(tmp, "wx");
  try {
    // An iterable of strings is written piece by piece, so a large file is never one string.
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
