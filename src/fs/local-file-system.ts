/**
 * The local disk (plain paths and `file://` URIs) behind the FileSystem contract. Atomic whole-file
 * writes: temp file in the same folder → write → fsync → rename (or, for put-if-absent, hard link,
 * which fails when the name exists) → fsync(dir). Temp files are named `.<name>.<uuid>.tmp`.
 */
import { closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { basename, dirname, join } from "node:path";
import { SluiceError } from "../common/errors.js";
import type { FileData, FileStatus, FileSystem } from "./file-system.js";
import { localPathOf } from "./path.js";

/** `.<name>.<uuid>.tmp`, the temp files `create` makes. */
export const LOCAL_TEMP_NAME = /^\..+\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.tmp$/;

export function fsyncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

const statusOf = (path: string): FileStatus | null => {
  const st = statSync(path, { throwIfNoEntry: false });
  return st ? { path, length: st.size, modificationTime: Math.floor(st.mtimeMs), isDirectory: st.isDirectory() } : null;
};

export class LocalFileSystem implements FileSystem {
  readonly scheme = "file";

  getFileStatus(path: string): FileStatus | null {
    return statusOf(localPathOf(path));
  }

  exists(path: string): boolean {
    return existsSync(localPathOf(path));
  }

  listStatus(dir: string): FileStatus[] {
    const d = localPathOf(dir);
    if (!statSync(d, { throwIfNoEntry: false })?.isDirectory()) return [];
    const out: FileStatus[] = [];
    for (const name of readdirSync(d).sort()) {
      const st = statusOf(join(d, name));
      if (st) out.push(st);
    }
    return out;
  }

  open(path: string, range?: { readonly offset: number; readonly length: number }): Buffer {
    const p = localPathOf(path);
    try {
      if (!range) return readFileSync(p);
      const fd = openSync(p, "r");
      try {
        const buf = Buffer.alloc(range.length);
        let got = 0;
        while (got < range.length) {
          const n = readSync(fd, buf, got, range.length - got, range.offset + got);
          if (n === 0) break;
          got += n;
        }
        return got === range.length ? buf : buf.subarray(0, got);
      } finally {
        closeSync(fd);
      }
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code === "ENOENT" ? "FS_FILE_NOT_FOUND" : "FS_READ_FAILED";
      throw new SluiceError("io", code, `Cannot read ${p}: ${(e as Error).message}`, { file: p }, { cause: e });
    }
  }

  create(path: string, data: FileData, options: { readonly overwrite: boolean }): boolean {
    const target = localPathOf(path);
    const dir = dirname(target);
    mkdirSync(dir, { recursive: true });
    const tmp = join(dir, `.${basename(target)}.${randomUUID()}.tmp`);
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
      if (options.overwrite) {
        renameSync(tmp, target);
      } else {
        try {
          linkSync(tmp, target);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
          throw e;
        }
      }
    } finally {
      if (!options.overwrite) {
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

  delete(path: string, recursive: boolean): boolean {
    const p = localPathOf(path);
    if (!existsSync(p)) return false;
    rmSync(p, { recursive, force: true });
    return true;
  }

  mkdirs(dir: string): void {
    mkdirSync(localPathOf(dir), { recursive: true });
  }
}
