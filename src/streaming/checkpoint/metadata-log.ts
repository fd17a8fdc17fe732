/**
 * A folder of versioned files `<dir>/<batchId>` (Spark's HDFSMetadataLog): each entry is written
 * once, atomically, as a checksummed file (checksummed-file.ts: `v2`, the entry's lines, a CRC
 * trailer; `v1` files of older Sluice versions still load). Damaged, truncated or renamed entries
 * and gaps in the ids fail with an error naming the file; entries older than a bound can be purged.
 */
import { childNames, fileSystemFor } from "../../fs/file-systems.js";
import { joinPath } from "../../fs/path.js";
import { SluiceError } from "../../common/errors.js";
import { writeFileAtomic } from "./atomic-file.js";
import { CHECKPOINT_FILE, type FileKind, checksummedPieces, corrupt, readChecksummed } from "./checksummed-file.js";

export abstract class MetadataLog<T> {
  constructor(
    readonly dir: string,
    /** How errors name this log's files and what they tell the user to do. */
    protected readonly kind: FileKind = CHECKPOINT_FILE,
  ) {}

  protected abstract serialize(entry: T): string;
  protected abstract deserialize(body: string, file: string): T;

  pathOf(batchId: number): string {
    return joinPath(this.dir, String(batchId));
  }

  /** The bytes of entry `batchId` holding `body`. */
  protected encode(batchId: number, body: string): Iterable<Uint8Array> {
    return checksummedPieces(String(batchId), [body]);
  }

  /** The verified body of the entry file `file`. */
  protected decode(file: string): string {
    return readChecksummed(file, this.kind).body;
  }

  /** Write entry `batchId`; returns false if it already exists (another run wrote it first). */
  add(batchId: number, entry: T): boolean {
    return writeFileAtomic(this.pathOf(batchId), this.encode(batchId, this.serialize(entry)), { createOnly: true });
  }

  get(batchId: number): T | undefined {
    const file = this.pathOf(batchId);
    if (!fileSystemFor(file).exists(file)) return undefined;
    const body = this.decode(file);
    try {
      return this.deserialize(body, file);
    } catch (e) {
      if (e instanceof SluiceError) throw e;
      throw corrupt(this.kind, file, `corrupt or truncated: ${(e as Error).message}`, e);
    }
  }

  /**
   * For a log whose entries are never purged (file source and sink logs): the id of its first
   * entry. Then listBatchIds() itself refuses a gap.
   */
  protected readonly firstBatchId: number | undefined = undefined;

  /** Batch ids present, ascending (checked for gaps when the log has a firstBatchId). Temp files and other names are ignored. */
  listBatchIds(): number[] {
    const ids = this.presentBatchIds();
    if (this.firstBatchId !== undefined) this.checkNoGap(ids, this.firstBatchId);
    return ids;
  }

  /**
   * The batch ids, checked to have no gap from the lowest present to the highest (for logs whose
   * old entries are purged).
   */
  contiguousBatchIds(): number[] {
    const ids = this.presentBatchIds();
    this.checkNoGap(ids, ids[0] ?? 0);
    return ids;
  }

  /** The ids of the `<dir>/<number>` files, ascending, unchecked. */
  protected presentBatchIds(): number[] {
    return childNames(this.dir)
      .filter((n) => /^\d+$/.test(n))
      .map(Number)
      .sort((a, b) => a - b);
  }

  /** Throws CHECKPOINT_LOG_GAP naming the first id from `first` on that `ids` lacks below its last. */
  protected checkNoGap(ids: readonly number[], first: number): void {
    let expect = first;
    for (const id of ids) {
      if (id !== expect) {
        const missing = this.pathOf(expect);
        throw new SluiceError("input", "CHECKPOINT_LOG_GAP", `${this.kind.label} ${missing} is missing although ${this.pathOf(id)} exists: the log has a gap. ${this.kind.fix}`, { file: missing });
      }
      expect++;
    }
  }

  getLatest(): { batchId: number; entry: T } | undefined {
    const ids = this.listBatchIds();
    const last = ids[ids.length - 1];
    return last === undefined ? undefined : { batchId: last, entry: this.get(last)! };
  }

  /** Delete entries with batchId < thresholdBatchId, oldest first (a cut-short purge leaves no gap). */
  purge(thresholdBatchId: number): void {
    const fs = fileSystemFor(this.dir);
    for (const id of this.presentBatchIds()) if (id < thresholdBatchId) fs.delete(this.pathOf(id), false);
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
