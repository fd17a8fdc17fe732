/**
 * `sources/<i>/<N>`: the files the file stream source assigned to its log offset N, one JSON line
 * per file (`{"path","timestamp","batchId"}`, Spark's FileEntry). Written before the offset is
 * handed to the engine, so every file is assigned to exactly one offset across restarts.
 * Entries are checksummed (metadata-log.ts) and never purged, so the ids run from 0 without a gap:
 * a lost entry fails naming it instead of its files being taken as new and read again.
 */
import { SluiceError } from "../../common/errors.js";
import { MetadataLog, parseJsonFrom } from "../../streaming/checkpoint/metadata-log.js";

export interface FileEntry {
  readonly path: string;
  /** Modification time in ms. */
  readonly timestamp: number;
  readonly batchId: number;
  readonly sizeBytes: number;
}

export class FileStreamSourceLog extends MetadataLog<readonly FileEntry[]> {
  protected override readonly firstBatchId = 0;

  /** Fails when `offset` (an offset the engine logged) names an entry this log does not have. */
  checkHas(offset: number): void {
    const ids = this.listBatchIds();
    const last = ids[ids.length - 1] ?? -1;
    if (offset > last) {
      const file = this.pathOf(last + 1);
      throw new SluiceError("input", "SOURCE_LOG_MISSING", `The file source log entry ${file} is missing although the offsets log refers to entry ${offset}: the checkpoint is damaged. ${this.kind.fix}`, { file });
    }
  }

  protected serialize(entries: readonly FileEntry[]): string {
    return entries.map((e) => JSON.stringify(e)).join("\n");
  }
  protected deserialize(body: string, file: string): readonly FileEntry[] {
    return body
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => {
        const e = parseJsonFrom(l, file) as Partial<FileEntry>;
        if (typeof e.path !== "string" || typeof e.timestamp !== "number" || typeof e.batchId !== "number") {
          throw new SluiceError("input", "CHECKPOINT_CORRUPT", `Checkpoint file ${file} is corrupt: a file entry lacks path/timestamp/batchId`, { file });
        }
        return { path: e.path, timestamp: e.timestamp, batchId: e.batchId, sizeBytes: e.sizeBytes ?? 0 };
      });
  }
}
