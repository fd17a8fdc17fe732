/**
 * `<checkpoint>/metadata`: the query id, stable across restarts of the same checkpoint.
 * Also records a fingerprint of the query's sources and sink so that restarting a different
 * query on the same checkpoint fails clearly instead of mixing offsets.
 *
 * The id also names the query to its sinks (the Delta sink's txn appId), so losing it would make
 * a re-run batch look new. Each offsets entry therefore records it too (`queryId` in the metadata
 * line): a lost `metadata` is rebuilt from the latest entry. A checkpoint whose entries predate
 * that (no `queryId`) cannot be rebuilt and is refused.
 */
import { fileSystemFor } from "../../fs/file-systems.js";
import { joinPath } from "../../fs/path.js";
import { randomUUID } from "node:crypto";
import { SluiceError } from "../../common/errors.js";
import { OffsetSeqLog } from "./offset-seq-log.js";
import { type StreamMetadata, createStreamMetadata, readStreamMetadata } from "./stream-metadata-file.js";
import { prepareCheckpoint } from "./verify-checkpoint.js";

export type { StreamMetadata };

/**
 * At query start: clean up and check the checkpoint (verify-checkpoint.ts), then read its
 * metadata, or create it (a new query, or a lost file rebuilt from the offsets log).
 */
export function readOrCreateStreamMetadata(checkpointDir: string, sources: readonly string[], sink: string, asyncProgress = false): StreamMetadata {
  prepareCheckpoint(checkpointDir, asyncProgress);
  const file = joinPath(checkpointDir, "metadata");
  if (!fileSystemFor(file).exists(file)) {
    const md: StreamMetadata = { id: idFromOffsetLog(checkpointDir, file) ?? randomUUID(), sources, sink };
    if (createStreamMetadata(checkpointDir, md)) return md;
  }
  const md = readStreamMetadata(checkpointDir);
  if (md.sources.length !== sources.length || md.sources.some((s, i) => s !== sources[i])) {
    throw new SluiceError(
      "analysis",
      "CHECKPOINT_INCOMPATIBLE_QUERY",
      `The checkpoint at ${checkpointDir} belongs to a query reading [${md.sources.join(", ")}], but this query reads [${sources.join(", ")}]. Use a new checkpointLocation for a changed query.`,
      { file },
    );
  }
  return md;
}

/** The query id the latest offsets entry records; undefined for a checkpoint that has run no batch. */
function idFromOffsetLog(checkpointDir: string, file: string): string | undefined {
  const latest = new OffsetSeqLog(joinPath(checkpointDir, "offsets")).getLatest();
  if (!latest) return undefined;
  const id = latest.entry.metadata.queryId;
  if (id === undefined) {
    throw new SluiceError(
      "input",
      "CHECKPOINT_METADATA_MISSING",
      `Checkpoint file ${file} is missing and the offsets log (written by an older Sluice) does not record the query id, so the query cannot resume as the same query (sinks such as Delta would write its batches again). Restore ${file} from a backup, or start the query with a new checkpointLocation.`,
      { file },
    );
  }
  return id;
}
