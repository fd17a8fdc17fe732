/**
 * `offsets/N`: the write-ahead log. Entry N is written BEFORE batch N runs and holds everything
 * needed to re-run it identically: one end offset per source (JSON, `-` when a source has none
 * yet), the batch's watermark and timestamp, and the configuration that must not change across
 * restarts. Layout as Spark's OffsetSeq: a version line, a metadata JSON line, one line per source
 * (then the checksum line of metadata-log.ts).
 *
 * Each entry also records the query id (`queryId`, beyond Spark), read once from the sibling
 * `<checkpoint>/metadata` when there is one, so that a lost `metadata` can be rebuilt
 * (stream-metadata.ts). Entries without it (older Sluice) still load.
 */
import { fileSystemFor } from "../../fs/file-systems.js";
import { joinPath, parentPath } from "../../fs/path.js";
import { SluiceError } from "../../common/errors.js";
import { MetadataLog, parseJsonFrom } from "./metadata-log.js";
import { readStreamMetadata } from "./stream-metadata-file.js";

export type SerializedOffset = string;

export interface OffsetSeqMetadata {
  readonly batchWatermarkMs: number;
  readonly batchTimestampMs: number;
  /** Settings pinned at the first batch (state layout, watermark policy, partitions). */
  readonly conf: Readonly<Record<string, string>>;
  /** Per-operator watermarks when several inputs exist (multiple-watermark policy). */
  readonly operatorWatermarksMs?: readonly number[];
  /** The query id of `<checkpoint>/metadata` (absent in entries of older Sluice versions). */
  readonly queryId?: string;
}

export interface OffsetSeq {
  readonly offsets: readonly (SerializedOffset | null)[];
  readonly metadata: OffsetSeqMetadata;
}

export class OffsetSeqLog extends MetadataLog<OffsetSeq> {
  #queryId: string | null | undefined;

  /** The id in `<checkpoint>/metadata`, null when there is none (e.g. a log used on its own). */
  private queryId(): string | null {
    if (this.#queryId === undefined) {
      const checkpointDir = parentPath(this.dir);
      const metadata = joinPath(checkpointDir, "metadata");
      this.#queryId = fileSystemFor(metadata).exists(metadata) ? readStreamMetadata(checkpointDir).id : null;
    }
    return this.#queryId;
  }

  protected serialize(e: OffsetSeq): string {
    const id = e.metadata.queryId ?? this.queryId();
    const metadata = id === null ? e.metadata : { ...e.metadata, queryId: id };
    return [JSON.stringify(metadata), ...e.offsets.map((o) => (o === null ? "-" : o))].join("\n");
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
    if (md.queryId !== undefined && typeof md.queryId !== "string") {
      throw new SluiceError("input", "CHECKPOINT_CORRUPT", `Checkpoint file ${file} is corrupt: queryId is not a string`, { file });
    }
    return { offsets, metadata: { ...md, conf: md.conf ?? {} } as OffsetSeqMetadata };
  }
}
