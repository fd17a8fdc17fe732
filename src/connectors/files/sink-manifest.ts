/**
 * The manifest a streaming file sink keeps in `<output>/_spark_metadata/N` (Spark's
 * FileStreamSinkLog): one JSON line per file the batch committed. Readers of the folder (batch
 * reads and streaming file sources) trust only these files.
 *
 * Spark reads this folder too, so entries keep Spark's `v1` layout; their checksum is where
 * Spark's file system layer (Hadoop's ChecksumFileSystem) keeps one on a local disk: a hidden
 * `.N.crc` file beside the entry — `crc\0`, the chunk size (512) as a big-endian int, then the
 * big-endian CRC-32 of each 512-byte chunk (the layout of the `.crc` files PySpark 4.0.1 writes,
 * see test/checkpoint-damage/golden). It is written after the entry; an entry without one (older
 * Sluice, or a run killed between the two writes) is read unverified. Sluice never purges
 * entries, so the ids run from 0 without a gap; a missing entry fails naming it.
 *
 * Spark compacts its sink log (spark.sql.streaming.fileSink.log.compactInterval, 10): entry N of
 * every 10th batch is written as `N.compact` holding the files of batches 0..N, and older entries
 * are deleted later. Such a log runs from its newest compact file (test/checkpoint-damage/golden).
 */
import { SluiceError } from "../../common/errors.js";
import { childNames, fileSystemFor } from "../../fs/file-systems.js";
import { joinPath, parentPath, pathName } from "../../fs/path.js";
import { writeFileAtomic } from "../../streaming/checkpoint/atomic-file.js";
import { corrupt, readChecksummed } from "../../streaming/checkpoint/checksummed-file.js";
import { crc32 } from "../../streaming/checkpoint/crc32.js";
import { MetadataLog, parseJsonFrom } from "../../streaming/checkpoint/metadata-log.js";

export interface SinkFileStatus {
  readonly path: string;
  readonly size: number;
  readonly isDir: boolean;
  readonly modificationTime: number;
  readonly blockReplication: number;
  readonly blockSize: number;
  readonly action: "add" | "delete";
}

const BYTES_PER_CHECKSUM = 512;

/** The bytes of Hadoop's `.crc` file for `data`. */
export function hadoopCrc(data: Uint8Array): Buffer {
  const chunks = Math.ceil(data.length / BYTES_PER_CHECKSUM);
  const out = Buffer.alloc(8 + 4 * chunks);
  out.write("crc\u0000", 0, "latin1");
  out.writeInt32BE(BYTES_PER_CHECKSUM, 4);
  for (let i = 0; i < chunks; i++) out.writeUInt32BE(crc32(data.subarray(i * BYTES_PER_CHECKSUM, (i + 1) * BYTES_PER_CHECKSUM)), 8 + 4 * i);
  return out;
}

/** `<dir>/.<name>.crc`, where Hadoop keeps the checksum of `<dir>/<name>`. */
export const crcFileOf = (file: string): string => joinPath(parentPath(file), `.${pathName(file)}.crc`);

export class FileStreamSinkLog extends MetadataLog<readonly SinkFileStatus[]> {
  constructor(dir: string) {
    super(dir, {
      label: "Manifest file",
      corruptCode: "CHECKPOINT_CORRUPT",
      fix: "Restore the output folder's _spark_metadata from a backup, or write the query's output to a new folder with a new checkpointLocation.",
    });
  }

  /** `<dir>/N.compact` where Spark compacted the log at batch N, else `<dir>/N`. */
  override pathOf(batchId: number): string {
    const compact = joinPath(this.dir, `${batchId}.compact`);
    return fileSystemFor(compact).exists(compact) ? compact : super.pathOf(batchId);
  }

  /** The newest compacted batch and the entries after it, or every entry from 0; refuses a gap. */
  override listBatchIds(): number[] {
    const compacts = childNames(this.dir).flatMap((n) => /^(\d+)\.compact$/.exec(n)?.[1] ?? []).map(Number);
    const from = compacts.length > 0 ? Math.max(...compacts) : 0;
    const ids = [...(compacts.length > 0 ? [from] : []), ...this.presentBatchIds().filter((id) => id > from || (compacts.length === 0 && id === from))];
    this.checkNoGap(ids, from);
    return ids;
  }

  protected override encode(_batchId: number, body: string): Iterable<Uint8Array> {
    return [Buffer.from(`v1\n${body}`, "utf8")];
  }

  override add(batchId: number, entry: readonly SinkFileStatus[]): boolean {
    const bytes = Buffer.concat([...this.encode(batchId, this.serialize(entry))]);
    if (!writeFileAtomic(this.pathOf(batchId), bytes, { createOnly: true })) return false;
    writeFileAtomic(crcFileOf(this.pathOf(batchId)), hadoopCrc(bytes));
    return true;
  }

  protected override decode(file: string): string {
    const sidecar = crcFileOf(file);
    const fs = fileSystemFor(file);
    if (fs.exists(sidecar)) {
      const expected = fs.open(sidecar);
      if (!hadoopCrc(fs.open(file)).equals(expected)) {
        throw corrupt(this.kind, file, `damaged or truncated: its content does not match its checksum file ${sidecar}`);
      }
    }
    return readChecksummed(file, this.kind).body;
  }

  protected serialize(entries: readonly SinkFileStatus[]): string {
    return entries.map((e) => JSON.stringify(e)).join("\n");
  }
  protected deserialize(body: string, file: string): readonly SinkFileStatus[] {
    return body
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => {
        const e = parseJsonFrom(l, file) as Partial<SinkFileStatus>;
        if (typeof e.path !== "string" || (e.action !== "add" && e.action !== "delete")) {
          throw new SluiceError("input", "CHECKPOINT_CORRUPT", `Manifest file ${file} is corrupt: an entry lacks path/action`, { file });
        }
        return e as SinkFileStatus;
      });
  }

  /** The files committed by all manifest entries (adds minus deletes), as the manifest records them; they may since have been deleted. */
  committedFileStatuses(): SinkFileStatus[] {
    const files = new Map<string, SinkFileStatus>();
    for (const id of this.listBatchIds()) {
      for (const e of this.get(id)!) {
        if (e.action === "add") files.set(e.path, e);
        else files.delete(e.path);
      }
    }
    return [...files.values()];
  }
}
