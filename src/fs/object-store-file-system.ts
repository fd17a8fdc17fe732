/**
 * One S3 bucket or Azure Blob container behind the FileSystem contract. Keys are paths below the
 * bucket; a "folder" is a key prefix ending in `/`, present while some object lies under it.
 * Atomicity is the store's own: a PUT publishes a whole object, and put-if-absent is a PUT with
 * `If-None-Match: *` (S3 answers 412, Azure 409 when the key exists). Nothing relies on rename.
 */
import { SluiceError } from "../common/errors.js";
import { type FileData, type FileStatus, type FileSystem, fileDataBytes } from "./file-system.js";
import { ObjectStoreRequestError, type ObjectStoreRequest, objectStoreBridge } from "./object-store-bridge.js";
import type { ObjectStoreSettings } from "./object-store-conf.js";
import { parseUri } from "./path.js";

interface Listed {
  readonly files: readonly { key: string; length: number; mtime: number }[];
  readonly dirs: readonly string[];
}

/** An object being written in parts (ObjectStoreFileSystem.openUpload). */
export interface ObjectUpload {
  part(body: Uint8Array): void;
  complete(): void;
  abort(): void;
}

export class ObjectStoreFileSystem implements FileSystem {
  /** `s3a://bucket` or `abfss://container@account.dfs.core.windows.net` */
  readonly #root: string;

  constructor(
    readonly scheme: string,
    authority: string,
    private readonly settings: ObjectStoreSettings,
  ) {
    this.#root = `${scheme}://${authority}`;
  }

  #key(path: string): string {
    return parseUri(path).key.replace(/\/+$/, "");
  }

  #path(key: string): string {
    return `${this.#root}/${key.replace(/\/+$/, "")}`;
  }

  #request(what: string, path: string, req: ObjectStoreRequest): unknown {
    try {
      return objectStoreBridge().request(this.settings, req);
    } catch (e) {
      if (!(e instanceof ObjectStoreRequestError)) throw e;
      const f = e.failure;
      const code = f.status === 403 || f.status === 401 ? "FS_ACCESS_DENIED" : "FS_REQUEST_FAILED";
      throw new SluiceError("io", code, `Cannot ${what} ${path}: ${f.status > 0 ? `HTTP ${f.status} ` : ""}${f.code}: ${f.message}`, { file: path });
    }
  }

  getFileStatus(path: string): FileStatus | null {
    const key = this.#key(path);
    if (key === "") return { path: this.#path(""), length: 0, modificationTime: 0, isDirectory: true };
    const head = this.#request("read the status of", path, { op: "head", key }) as { length: number; mtime: number } | null;
    if (head) return { path: this.#path(key), length: head.length, modificationTime: head.mtime, isDirectory: false };
    const under = this.#request("list", path, { op: "list", prefix: `${key}/`, recursive: false }) as Listed;
    return under.files.length > 0 || under.dirs.length > 0 ? { path: this.#path(key), length: 0, modificationTime: 0, isDirectory: true } : null;
  }

  exists(path: string): boolean {
    return this.getFileStatus(path) !== null;
  }

  listStatus(dir: string): FileStatus[] {
    const key = this.#key(dir);
    const prefix = key === "" ? "" : `${key}/`;
    const l = this.#request("list", dir, { op: "list", prefix, recursive: false }) as Listed;
    const out: FileStatus[] = [];
    // a zero-length object named like the folder itself is a folder marker, not a child
    for (const f of l.files) if (f.key !== prefix) out.push({ path: this.#path(f.key), length: f.length, modificationTime: f.mtime, isDirectory: false });
    for (const d of l.dirs) out.push({ path: this.#path(d), length: 0, modificationTime: 0, isDirectory: true });
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  open(path: string, range?: { readonly offset: number; readonly length: number }): Buffer {
    const key = this.#key(path);
    const got = this.#request("read", path, { op: "get", key, ...(range ? { offset: range.offset, length: range.length } : {}) }) as Uint8Array | null;
    if (got === null) throw new SluiceError("io", "FS_FILE_NOT_FOUND", `Cannot read ${path}: no such object`, { file: path });
    return Buffer.from(got.buffer, got.byteOffset, got.byteLength);
  }

  create(path: string, data: FileData, options: { readonly overwrite: boolean }): boolean {
    const body = fileDataBytes(data);
    return this.#request("write", path, { op: "put", key: this.#key(path), body, ifNoneMatch: !options.overwrite }) as boolean;
  }

  /**
   * A file sent in parts (S3 multipart upload, Azure staged blocks): nothing is visible at `path`
   * until `complete()`, which publishes it whole; `abort()` drops what was sent. Parts but the
   * last must be at least 5 MiB (S3's minimum).
   */
  openUpload(path: string): ObjectUpload {
    const key = this.#key(path);
    const uploadId = this.#request("start an upload of", path, { op: "uploadStart", key }) as string;
    const parts: string[] = [];
    return {
      part: (body) => void parts.push(this.#request("upload a part of", path, { op: "uploadPart", key, uploadId, partNumber: parts.length + 1, body }) as string),
      complete: () => void this.#request("complete the upload of", path, { op: "uploadComplete", key, uploadId, parts }),
      abort: () => void this.#request("abort the upload of", path, { op: "uploadAbort", key, uploadId }),
    };
  }

  delete(path: string, recursive: boolean): boolean {
    const key = this.#key(path);
    const keys: string[] = [];
    if (this.#request("read the status of", path, { op: "head", key })) keys.push(key);
    if (recursive) {
      const l = this.#request("list", path, { op: "list", prefix: key === "" ? "" : `${key}/`, recursive: true }) as Listed;
      keys.push(...l.files.map((f) => f.key));
    }
    if (keys.length === 0) return false;
    this.#request("delete", path, { op: "delete", keys });
    return true;
  }

  mkdirs(): void {
    // folders are key prefixes: nothing to make
  }
}
