/**
 * Reading and writing `<checkpoint>/metadata` (the query id, its sources and sink) as a
 * checksummed file; stream-metadata.ts decides when it is created or rebuilt.
 */
import { fileSystemFor } from "../../fs/file-systems.js";
import { joinPath } from "../../fs/path.js";
import { SluiceError } from "../../common/errors.js";
import { writeFileAtomic } from "./atomic-file.js";
import { CHECKPOINT_FILE, checksummedPieces, readChecksummed } from "./checksummed-file.js";
import { parseJsonFrom } from "./metadata-log.js";

export interface StreamMetadata {
  readonly id: string;
  /** e.g. ["memory:events", "json:/data/in"] — the sources in plan order. */
  readonly sources: readonly string[];
  readonly sink: string;
}

const METADATA_FILE = { ...CHECKPOINT_FILE, fix: "Delete it and restart the query: it is rebuilt from the offsets log." };

/** Write `md` unless the file exists; false when another run created it first. */
export function createStreamMetadata(checkpointDir: string, md: StreamMetadata): boolean {
  return writeFileAtomic(joinPath(checkpointDir, "metadata"), checksummedPieces("metadata", [JSON.stringify(md)]), { createOnly: true });
}

/** The verified `metadata` of the checkpoint at `checkpointDir` (v1 files of older Sluice versions load unverified). */
export function readStreamMetadata(checkpointDir: string): StreamMetadata {
  const file = joinPath(checkpointDir, "metadata");
  if (!fileSystemFor(file).exists(file)) throw new SluiceError("input", "CHECKPOINT_CORRUPT", `Checkpoint file ${file} does not exist`, { file });
  const md = parseJsonFrom(readChecksummed(file, METADATA_FILE).body.split("\n")[0] ?? "", file) as Partial<StreamMetadata>;
  if (typeof md.id !== "string" || !Array.isArray(md.sources) || typeof md.sink !== "string") {
    throw new SluiceError("input", "CHECKPOINT_CORRUPT", `Checkpoint file ${file} is corrupt: missing id, sources or sink. ${METADATA_FILE.fix}`, { file });
  }
  return md as StreamMetadata;
}
