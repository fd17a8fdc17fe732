/**
 * A Node Writable over any file system, for writers that produce a file as a stream (Parquet).
 * Locally the bytes go to the file as they come. On an object store an object is published whole
 * (no reader sees part of it): a file that stays under PART_BYTES goes as one PUT when the stream
 * ends; a larger one is sent in parts of PART_BYTES as they fill (S3 multipart upload, Azure staged
 * blocks), completed when the stream ends and aborted when it fails, so at most one part is held
 * in memory.
 */
import { closeSync, createWriteStream, fstatSync, mkdirSync, openSync, readFileSync, readSync } from "node:fs";
import { dirname } from "node:path";
import { Writable } from "node:stream";
import { fileSystemFor } from "./file-systems.js";
import { ObjectStoreFileSystem, type ObjectUpload } from "./object-store-file-system.js";
import { isLocalPath, localPathOf } from "./path.js";

/** The size of an upload's parts: above S3's 5 MiB minimum; 10,000 parts (S3's limit) make 80 GiB. */
export const PART_BYTES = 8 * 1024 * 1024;

export function openWriteStream(path: string, partBytes = PART_BYTES): Writable {
  if (isLocalPath(path)) {
    const local = localPathOf(path);
    mkdirSync(dirname(local), { recursive: true });
    return createWriteStream(local);
  }
  const fs = fileSystemFor(path);
  let chunks: Buffer[] = [];
  let held = 0;
  let upload: ObjectUpload | undefined;
  const sendPart = (): void => {
    upload ??= (fs as ObjectStoreFileSystem).openUpload(path);
    upload.part(Buffer.concat(chunks));
    chunks = [];
    held = 0;
  };
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      try {
        chunks.push(chunk);
        held += chunk.byteLength;
        if (held >= partBytes && fs instanceof ObjectStoreFileSystem) sendPart();
        done();
      } catch (e) {
        done(e as Error);
      }
    },
    final(done) {
      try {
        if (upload) {
          if (held > 0) sendPart();
          upload.complete();
        } else fs.create(path, chunks, { overwrite: true });
        done();
      } catch (e) {
        done(e as Error);
      }
    },
    destroy(err, done) {
      try {
        if (err && upload) upload.abort();
      } catch {
        // the upload's parts expire on the store; the write's own error is the one to report
      }
      done(err);
    },
  });
}

/** Put the local file `local` at `path` on an object store: one PUT when small, else in parts (read PART_BYTES at a time). */
export function uploadLocalFile(local: string, path: string, partBytes = PART_BYTES): void {
  const fs = fileSystemFor(path);
  const fd = openSync(local, "r");
  try {
    const size = fstatSync(fd).size;
    if (size < partBytes || !(fs instanceof ObjectStoreFileSystem)) {
      fs.create(path, readFileSync(fd), { overwrite: true });
      return;
    }
    const upload = fs.openUpload(path);
    try {
      const buf = Buffer.allocUnsafe(partBytes);
      for (let at = 0; at < size; ) {
        const n = readSync(fd, buf, 0, Math.min(partBytes, size - at), at);
        upload.part(buf.subarray(0, n));
        at += n;
      }
      upload.complete();
    } catch (e) {
      upload.abort();
      throw e;
    }
  } finally {
    closeSync(fd);
  }
}
