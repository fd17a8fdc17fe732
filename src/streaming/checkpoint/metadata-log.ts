/**
 * A folder of versioned files `<dir>/<batchId>` (Spark's HDFSMetadataLog): each entry is written
 * once, atomically, and starts with a version line (`v1`). Corrupt or unreadable entries fail
 * with an error naming the file; entries older than a retention bound can be purged.
 */
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { SluiceError } from "../../common/errors.js";
import { writeFileAtomic } from "./atomic-file.js";

export abstract class MetadataLog<T> {
  constructor(
    readonly dir: string,
    /** Highest format version this code reads (`v1`). */
    protected readonly version = 1,
  ) {}

  protected abstract serialize(entry: T): string;
  protected abstract deserialize(body: string, file: string): T;

  pathOf(batchId: number): string {
    return join(this.dir, String(batchId));
  }

  /** Write entry `batchId`; returns false if it already exists (another run wrote it first). */
  add(batchId: number, entry: T): boolean {
    return writeFileAtomic(this.pathOf(batchId), `v${this.version}\n${this.serialize(entry)}`, { createOnly: true });
  }

  /** Overwrite entry `batchId` (only for logs whose entries may be rewritten, e.g. compaction). */
  put(batchId: number, entry: T): void {
    writeFileAtomic(this.pathOf(batchId), `v${this.version}\n${this.serialize(entry)}`);
  }

  get(batchId: number): T | undefined {
    const file = this.pathOf(batchId);
    if (!existsSync(file)) return undefined;
    return this.read(file);
  }

  private read(file: string): T {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      throw new SluiceError("io", "CHECKPOINT_READ_FAILED", `Cannot read checkpoint file ${file}`, { file }, { cause: e });
    }
    const nl = text.indexOf("\n");
    const header = nl < 0 ? text : text.slice(0, nl);
    const m = /^v(\d+)$/.exec(header.trim());
    if (!m) {
      throw new SluiceError("input", "CHECKPOINT_CORRUPT", `Checkpoint file ${file} is corrupt: it does not start with a version line (found ${JSON.stringify(header.slice(0, 40))})`, { file });
    }
    if (Number(m[1]) > this.version) {
      throw new SluiceError("unsupported", "CHECKPOINT_VERSION_UNSUPPORTED", `Checkpoint file ${file} has format v${m[1]}, newer than the v${this.version} this Sluice reads`, { file });
    }
    try {
      return this.deserialize(nl < 0 ? "" : text.slice(nl + 1), file);
    } catch (e) {
      if (e instanceof SluiceError) throw e;
      throw new SluiceError("input", "CHECKPOINT_CORRUPT", `Checkpoint file ${file} is corrupt or truncated: ${(e as Error).message}`, { file }, { cause: e });
    }
  }

  /** Batch ids present, ascending. Temp files and other names are ignored. */
  listBatchIds(): number[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((n) => /^\d+$/.test(n))
      .map(Number)
      .sort((a, b) => a - b);
  }

  getLatest(): { batchId: number; entry: T } | undefined {
    const ids = this.listBatchIds();
    const last = ids[ids.length - 1];
    return last === undefined ? undefined : { batchId: last, entry: this.get(last)! };
  }

  /** Delete entries with batchId < thresholdBatchId. */
  purge(thresholdBatchId: number): void {
    for (const id of this.listBatchIds()) if (id < thresholdBatchId) rmSync(this.pathOf(id), { force: true });
  }
}

/** Parse JSON, naming the file on failure. */
export function parseJsonFrom(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SluiceError("input", "CHECKPOINT_CORRUPT", `Checkpoint file ${file} is corrupt or truncated: invalid JSON (${(e as Error).message})`, { file }, { cause: e });
  }
}
