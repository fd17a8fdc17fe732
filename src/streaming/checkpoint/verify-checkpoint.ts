/**
 * Checks a checkpoint's structure at query start, before anything is read or written, so that a
 * lost log entry fails naming it instead of making the query re-run or skip batches:
 *   - `offsets/` and `commits/` have no gaps (old entries are purged, so each runs from its
 *     lowest id; a cut-short purge removes offsets before commits, never the reverse);
 *   - the commit log ends at the last offsets entry or the one before it (that batch re-runs),
 *     and a batch to re-run has the previous entry it starts from;
 *   - state files exist only in a checkpoint that has run a batch.
 * A query with async progress tracking writes its logs at an interval, so they have gaps by design:
 * then each commit needs its offsets entry, and a batch to re-run an earlier entry.
 * It also deletes temp files of writes a killed run left behind: one run owns a checkpoint, and
 * the query is not running yet. (File contents are verified when read: checksummed-file.ts.)
 */
import { fileSystemFor } from "../../fs/file-systems.js";
import { joinPath, pathName } from "../../fs/path.js";
import { SluiceError } from "../../common/errors.js";
import { removeOrphanTempFiles } from "./atomic-file.js";
import { CHECKPOINT_FILE } from "./checksummed-file.js";
import { CommitLog } from "./commit-log.js";
import { OffsetSeqLog } from "./offset-seq-log.js";

/** Clean up and check the checkpoint at `checkpointDir`; throws CHECKPOINT_LOG_GAP naming a missing file. */
export function prepareCheckpoint(checkpointDir: string, asyncProgress = false): void {
  removeOrphanTempFiles(checkpointDir);
  for (const sub of ["offsets", "commits", "sources"]) removeOrphanTempFiles(joinPath(checkpointDir, sub), { recursive: true });
  // The LevelDB provider's own folder holds files it manages itself.
  removeOrphanTempFiles(joinPath(checkpointDir, "state"), { recursive: true, skip: ["_leveldb"] });

  const offsets = new OffsetSeqLog(joinPath(checkpointDir, "offsets"));
  const commits = new CommitLog(joinPath(checkpointDir, "commits"));
  const offsetIds = asyncProgress ? offsets.listBatchIds() : withAsyncHint(() => offsets.contiguousBatchIds());
  const commitIds = asyncProgress ? commits.listBatchIds() : withAsyncHint(() => commits.contiguousBatchIds());
  const lastOffset = offsetIds[offsetIds.length - 1] ?? -1;
  const lastCommit = commitIds[commitIds.length - 1] ?? -1;
  const missing = (file: string, why: string): SluiceError =>
    new SluiceError("input", "CHECKPOINT_LOG_GAP", `Checkpoint file ${file} is missing, ${why}. ${CHECKPOINT_FILE.fix}`, { file });

  if (lastCommit > lastOffset) throw missing(offsets.pathOf(lastCommit), `although ${commits.pathOf(lastCommit)} exists`);
  if (asyncProgress) {
    const logged = new Set(offsetIds);
    const orphan = commitIds.find((id) => id >= offsetIds[0]! && !logged.has(id));
    if (orphan !== undefined) throw missing(offsets.pathOf(orphan), `although ${commits.pathOf(orphan)} exists`);
  } else if (lastCommit < lastOffset - 1) throw missing(commits.pathOf(lastOffset - 1), `although ${offsets.pathOf(lastOffset)} exists (batch ${lastOffset} starts only after batch ${lastOffset - 1} committed)`);
  if (commitIds.length > 0 && commitIds[0]! > offsetIds[0]!) throw missing(commits.pathOf(offsetIds[0]!), `although ${commits.pathOf(commitIds[0]!)} exists`);
  if (lastCommit < lastOffset && lastOffset > 0 && offsetIds[0] === lastOffset) {
    throw missing(offsets.pathOf(lastOffset - 1), `but batch ${lastOffset} has to re-run from its end offsets`);
  }
  if (lastOffset < 0) {
    const stateFile = findStateFile(joinPath(checkpointDir, "state"));
    if (stateFile) throw missing(offsets.pathOf(0), `although the state file ${stateFile} exists (the offsets log was lost)`);
  }
}

/** A log gap as left by async progress tracking: say so, since the fix is to turn it back on. */
function withAsyncHint(ids: () => number[]): number[] {
  try {
    return ids();
  } catch (e) {
    if (e instanceof SluiceError && e.code === "CHECKPOINT_LOG_GAP") {
      throw new SluiceError("input", e.code, `${e.message} If the query ran with asyncProgressTrackingEnabled=true (which writes the logs at an interval), restart it with that option.`, e.context, { cause: e });
    }
    throw e;
  }
}

/** Some delta or snapshot file under `dir`, if any. */
function findStateFile(dir: string): string | undefined {
  for (const e of fileSystemFor(dir).listStatus(dir)) {
    const name = pathName(e.path);
    if (!e.isDirectory && /^\d+\.(delta|snapshot)$/.test(name)) return e.path;
    if (e.isDirectory && !name.startsWith("_")) {
      const found = findStateFile(e.path);
      if (found) return found;
    }
  }
  return undefined;
}
