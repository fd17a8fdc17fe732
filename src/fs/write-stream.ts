/**
 * A Node Writable over any file system, for writers that produce a file as a stream (Parquet).
 * Locally the bytes go to the file as they come; on an object store they are gathered and sent as
 * one PUT when the stream ends (an object is published whole: no reader sees part of it). The
 * object-store form therefore holds the whole file in memory until then.
 */
import { createWriteStream, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { Writable } from "node:stream";
import { fileSystemFor } from "./file-systems.js";
import { isLocalPath, localPathOf } from "./path.js";

export function openWriteStream(path: string): Writable {
  if (isLocalPath(path)) {
    const local = localPathOf(path);
    mkdirSync(dirname(local), { recursive: true });
    return createWriteStream(local);
  }
  const chunks: Buffer[] = [];
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      done();
    },
    final(done) {
      try {
        fileSystemFor(path).create(path, chunks, { overwrite: true });
        done();
      } catch (e) {
        done(e as Error);
      }
    },
  });
}
