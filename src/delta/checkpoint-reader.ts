/**
 * Reading checkpoints into actions (PROTOCOL.md §Checkpoints, §V2 Spec): classic
 * (`<v>.checkpoint.parquet`), multi-part (`<v>.checkpoint.<o>.<p>.parquet`) and V2
 * (`<v>.checkpoint.<uuid>.json|parquet`). Each Parquet row, or JSON line, holds one action in
 * one of the top-level columns (`add`, `remove`, `metaData`, `protocol`, `txn`, `domainMetadata`,
 * and in V2 `checkpointMetadata` and `sidecar`). A `sidecar` action names a Parquet file in
 * `_delta_log/_sidecars/` (or an absolute URI) whose rows are more add and remove actions; they
 * are read after the checkpoint's own rows. A checkpoint whose sidecar is missing cannot be
 * used: DELTA_CHECKPOINT_READ_FAILED, and the snapshot falls back to an older checkpoint.
 */
import { fileURLToPath } from "node:url";
import { inputError } from "../common/errors.js";
import { fileSystemFor } from "../fs/file-systems.js";
import { joinPath, parentPath } from "../fs/path.js";
import type { Action } from "./actions.js";
import { parseAction } from "./actions.js";
import type { CheckpointRef } from "./log-store.js";
import { arrowRows, readParquetFile } from "./parquet-io.js";

const ACTION_COLUMNS = ["protocol", "metaData", "add", "remove", "txn", "domainMetadata"] as const;
const SIDECAR_DIR = "_sidecars";

/** All actions of a complete checkpoint, part by part, then its sidecar files. */
export function readCheckpoint(cp: CheckpointRef): Action[] {
  const out: Action[] = [];
  const sidecars: string[] = [];
  for (const path of cp.paths) {
    const rows = path.endsWith(".json") ? jsonRows(path) : arrowRows(readParquetFile(path));
    for (let r = 0; r < rows.length; r++) {
      const sidecar = rows[r]!.sidecar as { path?: unknown } | null | undefined;
      if (sidecar) sidecars.push(sidecarPath(path, sidecar.path, cp.version));
      pushAction(out, rows[r]!, path, r);
    }
  }
  for (const path of sidecars) {
    if (!fileSystemFor(path).exists(path)) throw checkpointError(cp.version, `its sidecar file ${path} is missing`);
    const rows = arrowRows(readParquetFile(path));
    for (let r = 0; r < rows.length; r++) pushAction(out, rows[r]!, path, r);
  }
  return out;
}

function pushAction(out: Action[], row: Record<string, unknown>, file: string, r: number): void {
  const picked: Record<string, unknown> = {};
  for (const k of ACTION_COLUMNS) if (row[k] !== null && row[k] !== undefined) picked[k] = row[k];
  const a = parseAction(picked, { file, line: r + 1 });
  if (a) out.push(a);
}

/** The lines of a JSON (V2) checkpoint as objects. */
function jsonRows(path: string): Record<string, unknown>[] {
  const text = fileSystemFor(path).open(path).toString("utf8");
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l, i) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch (e) {
        throw inputError("DELTA_CHECKPOINT_READ_FAILED", `Cannot read the checkpoint ${path}: line ${i + 1} is not valid JSON`, { file: path }, e);
      }
    });
}

/** A sidecar's file: its path is relative to `_delta_log/_sidecars/` unless it is an absolute URI. */
function sidecarPath(checkpoint: string, path: unknown, version: number): string {
  if (typeof path !== "string" || path === "") throw checkpointError(version, `a sidecar action of ${checkpoint} has no path`);
  if (path.startsWith("file:")) return fileURLToPath(path);
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(path) || path.startsWith("/")) return path;
  return joinPath(parentPath(checkpoint), SIDECAR_DIR, decodeURIComponent(path));
}

const checkpointError = (version: number, why: string) =>
  inputError("DELTA_CHECKPOINT_READ_FAILED", `Cannot use the checkpoint at version ${version}: ${why}`, { version });
