/**
 * Reading listed files with Spark's ignoreMissingFiles / ignoreCorruptFiles (the rules of Spark's
 * FileScanRDD, checked against PySpark 4.0.1 in test/file-options):
 *   1. files are read in order through `readFilesInOrder` (worker threads where it pays);
 *   2. a file gone when it is read (deleted after listing, or listed by a sink manifest but
 *      deleted) fails with FILE_NOT_EXIST naming it, or is skipped with ignoreMissingFiles;
 *   3. a file that cannot be decoded (FAILED_READ_FILE: truncated, not of the format, unreadable)
 *      fails as it did, or with ignoreCorruptFiles the rest of it is skipped: rows read from it
 *      before the damage are kept, as Spark keeps them;
 *   4. malformed records are not corrupt files: they follow the parse mode (FAILFAST still fails
 *      with ignoreCorruptFiles, as in Spark);
 *   5. after a skipped file, reading resumes with the next one; each skip is reported on stderr
 *      (Spark logs a warning).
 */
import { log } from "../../common/logger.js";
import { existsSync } from "node:fs";
import { SluiceError, inputError } from "../../common/errors.js";
import type { TaskContext } from "../../physical/execution-plan.js";
import type { StructType } from "../../types/struct-type.js";
import { isNotFound } from "./file-listing.js";
import type { ReadTolerance } from "./options.js";
import { type FileBatch, type FileToRead, type ReadOneFile, readFilesInOrder } from "./parallel-read.js";

/** Whether `e`, met reading a file that still exists, means the file itself is damaged or unreadable. */
function isCorruptFileError(e: unknown): boolean {
  if (e instanceof SluiceError) return e.code === "FAILED_READ_FILE";
  return typeof (e as NodeJS.ErrnoException | undefined)?.code === "string"; // a file system error (EIO, EACCES, EISDIR, …)
}

/** The FILE_NOT_EXIST error for a listed file that is gone. */
export function fileNotExist(path: string, cause?: unknown): SluiceError {
  return inputError(
    "FILE_NOT_EXIST",
    `File ${path} does not exist: it was listed for this read (by the folder listing, a streaming file sink's manifest or the source log of a streaming query) but has since been deleted. Restore it, or set option("ignoreMissingFiles", "true") to skip missing files.`,
    { file: path },
    cause,
  );
}

/**
 * What to do about `e`, met reading `path`: "skip" when a tolerance option covers it, else the
 * error to throw (FILE_NOT_EXIST for a file that is gone, `e` itself otherwise).
 */
export function toleratedOrError(e: unknown, path: string, tol: ReadTolerance): "skip" | unknown {
  if (!existsSync(path) || isNotFound(e)) return tol.ignoreMissingFiles ? "skip" : e instanceof SluiceError && e.code === "FILE_NOT_EXIST" ? e : fileNotExist(path, e);
  return tol.ignoreCorruptFiles && isCorruptFileError(e) ? "skip" : e;
}

/** The index of the file `e` was met in: the one its context names, at or after `from`; -1 when unknown. */
function failedFile(e: unknown, files: readonly FileToRead[], from: number): number {
  const named = e instanceof SluiceError ? e.context.file : (e as NodeJS.ErrnoException | undefined)?.path;
  if (typeof named !== "string") return -1;
  for (let i = from; i < files.length; i++) if (files[i]!.path === named) return i;
  return -1;
}

function warnSkipped(path: string, e: unknown): void {
  const missing = !existsSync(path);
  log.warn(`${missing ? "skipped the missing file" : "skipped the rest of the corrupt file"} ${path} (${missing ? "ignoreMissingFiles" : "ignoreCorruptFiles"}): ${e instanceof Error ? e.message : String(e)}`);
}

/** `readFilesInOrder` under the tolerance options (steps 1–5); batches keep their index into `files`. */
export async function* readFilesTolerantly(
  format: string,
  files: readonly FileToRead[],
  schema: StructType,
  options: Readonly<Record<string, string>>,
  ctx: TaskContext,
  readOne: ReadOneFile,
  tol: ReadTolerance,
): AsyncGenerator<FileBatch> {
  let from = 0;
  while (from < files.length) {
    let current = from;
    try {
      for await (const x of readFilesInOrder(format, from === 0 ? files : files.slice(from), schema, options, ctx, readOne)) {
        current = from + x.fileIndex;
        yield { fileIndex: current, batch: x.batch };
      }
      return;
    } catch (e) {
      const i = failedFile(e, files, current);
      if (i < 0) throw e;
      const verdict = toleratedOrError(e, files[i]!.path, tol);
      if (verdict !== "skip") throw verdict;
      warnSkipped(files[i]!.path, e);
      from = i + 1;
    }
  }
}
