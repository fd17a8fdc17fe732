/**
 * `commits/N`: written AFTER batch N's sink write and state commit succeed. A batch with an
 * offsets entry but no commit entry is re-run on restart. Holds the watermark for batch N+1.
 */
import { SluiceError } from "../../common/errors.js";
import { CHECKPOINT_FILE } from "./checksummed-file.js";
import { MetadataLog, parseJsonFrom } from "./metadata-log.js";

export interface CommitMetadata {
  readonly nextBatchWatermarkMs: number;
}

export class CommitLog extends MetadataLog<CommitMetadata> {
  constructor(dir: string) {
    // Only the last entry is read; without it its batch runs again, as after a crash before the commit.
    super(dir, { ...CHECKPOINT_FILE, damagedFix: "Delete it to run that batch again (sinks skip what they already hold), or restore the checkpoint folder from a backup." });
  }

  protected serialize(e: CommitMetadata): string {
    return JSON.stringify(e);
  }
  protected deserialize(body: string, file: string): CommitMetadata {
    const o = parseJsonFrom(body.split("\n")[0] ?? "", file) as Partial<CommitMetadata>;
    if (typeof o.nextBatchWatermarkMs !== "number") {
      throw new SluiceError("input", "CHECKPOINT_CORRUPT", `Checkpoint file ${file} is corrupt: no nextBatchWatermarkMs`, { file });
    }
    return { nextBatchWatermarkMs: o.nextBatchWatermarkMs };
  }
}
