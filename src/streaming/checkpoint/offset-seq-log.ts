/**
 * `offsets/N`: the write-ahead log. Entry N is written BEFORE batch N runs and holds everything
 * needed to re-run it identically: one end offset per source (JSON, `-` when a source has none
 * yet), the batch's watermark and timestamp, and the configuration that must not change across
 * restarts. Layout as Spark's OffsetSeq: a version line, a metadata JSON line, one line per source.
 */
import { SluiceError } from "../../common/errors.js";
import { MetadataLog, parseJsonFrom } from "./metadata-log.js";

export type SerializedOffset = string;

export interface OffsetSeqMetadata {
  readonly batchWatermarkMs: number;
  readonly batchTimestampMs: number;
  /** Settings pinned at the first batch (state layout, watermark policy, partitions). */
  readonly conf: Readonly<Record<string, string>>;
  /** Per-operator watermarks when several inputs exist (multiple-watermark policy). */
  readonly operatorWatermarksMs?: readonly number[];
}

export interface OffsetSeq {
  readonly offsets: readonly (SerializedOffset | null)[];
  readonly metadata: OffsetSeqMetadata;
}

export class OffsetSeqLog extends MetadataLog<OffsetSeq> {
  protected serialize(e: OffsetSeq): string {
    return [JSON.stringify(e.metadata), ...e.offsets.map((o) => (o === null ? "-" : o))].join("\n");
  }

  protected deserialize(body: string, file: string): OffsetSeq {
    const lines = body.split("\n");
    if (lines.length < 1 || lines[0]!.trim() === "") {
      throw new SluiceError("input", "CHECKPOINT_CORRUPT", `Checkpoint file ${file} is corrupt or truncated: no metadata line`, { file });
    }
    const md = parseJsonFrom(lines[0]!, file) as Partial<OffsetSeqMetadata>;
    if (typeof md.batchWatermarkMs !== "number" || typeof md.batchTimestampMs !== "number") {
      throw new SluiceError("input", "CHECKPOINT_CORRUPT", `Checkpoint file ${file} is corrupt: metadata lacks batchWatermarkMs/batchTimestampMs`, { file });
    }
    const offsets = lines.slice(1).map((l) => {
      if (l === "-") return null;
      parseJsonFrom(l, file); // validate
      return l;
    });
    return { offsets, metadata: { ...md, conf: md.conf ?? {} } as OffsetSeqMetadata };
  }
}
