/**
 * DML on a table with deletion vectors on (`delta.enableDeletionVectors = true`, Delta's DV
 * DELETE/UPDATE/MERGE): instead of rewriting a touched file, its removed rows (deleted rows, and
 * the old images of updated rows) are marked in a deletion vector. Steps per touched file:
 *   1. the command's row numbers count the rows the scan returned, which skip the rows the
 *      file's current vector already deletes: map them to the file's own row indexes;
 *   2. when no row survives, the file is removed whole (as Delta does);
 *   3. otherwise the new vector (the old one's rows plus these) is written as a
 *      `deletion_vector_<uuid>.bin` file under the table root (storage type 'u'), and the commit
 *      removes the file with its old vector and adds it again with the new one; the add's stats
 *      are the file's, marked `tightBounds: false` (its bounds may be wider than its live rows).
 */
import { randomUUID } from "node:crypto";
import { fileSystemFor } from "../../fs/file-systems.js";
import { joinPath } from "../../fs/path.js";
import type { AddFile, DeletionVectorDescriptor, Metadata, Protocol } from "../actions.js";
import { encodeDeletionVectorFile, encodeRoaringBitmapArray, loadDeletionVector, uuidToZ85 } from "../deletion-vector.js";
import type { ActiveFile } from "../snapshot.js";
import { addOf } from "./restore.js";

/** True when DML on the table marks rows in deletion vectors (the property on and the feature in the protocol). */
export function deletionVectorsEnabled(md: Metadata, protocol: Protocol): boolean {
  return md.configuration["delta.enableDeletionVectors"]?.toLowerCase() === "true" && (protocol.writerFeatures ?? []).includes("deletionVectors");
}

/**
 * The file's own row indexes of `liveRows` (positions among the rows the scan returned, which
 * leave out `deleted`, the file's current vector, sorted ascending).
 */
export function fileRowIndexes(liveRows: Iterable<number>, deleted: Float64Array | null): number[] {
  const live = [...liveRows].sort((a, b) => a - b);
  if (!deleted || deleted.length === 0) return live;
  const out: number[] = [];
  let d = 0; // next index of `deleted` at or after r
  let liveRow = 0; // live position of file row r
  for (let r = 0; out.length < live.length; r++) {
    if (d < deleted.length && deleted[d] === r) {
      d++;
      continue;
    }
    if (liveRow === live[out.length]) out.push(r);
    liveRow++;
  }
  return out;
}

/** The outcome for one touched file: removed whole, or re-added with a vector. */
export type DeletionVectorChange =
  | { readonly kind: "removed" }
  | { readonly kind: "marked"; readonly add: AddFile; readonly hadVector: boolean };

/**
 * Mark `liveRows` (positions among the file's live rows) deleted: writes the combined vector
 * (step 3) unless every row is gone. `liveCount` is how many rows the scan returned for it.
 */
export function markRowsDeleted(tablePath: string, file: ActiveFile, liveRows: ReadonlySet<number>, liveCount: number): DeletionVectorChange {
  if (liveRows.size >= liveCount) return { kind: "removed" };
  const old = file.deletionVector ? loadDeletionVector(tablePath, file.deletionVector, file.path) : null;
  const rows = [...(old ?? []), ...fileRowIndexes(liveRows, old)];
  const dv = writeDeletionVector(tablePath, rows);
  const physicalRows = liveCount + (old?.length ?? 0);
  return { kind: "marked", hadVector: old !== null, add: { ...addOf(file), dataChange: true, stats: looseStats(file.stats, physicalRows), deletionVector: dv } };
}

/** Write a DV file holding one vector of `rows`; its descriptor. */
export function writeDeletionVector(tablePath: string, rows: readonly number[]): DeletionVectorDescriptor {
  const bitmap = encodeRoaringBitmapArray(rows);
  const { bytes, offset } = encodeDeletionVectorFile(bitmap);
  const uuid = randomUUID();
  const path = joinPath(tablePath, `deletion_vector_${uuid}.bin`);
  fileSystemFor(path).create(path, bytes, { overwrite: false });
  return { storageType: "u", pathOrInlineDv: uuidToZ85(uuid), offset, sizeInBytes: bitmap.length, cardinality: new Set(rows).size };
}

/**
 * The file's stats marked `tightBounds: false`, edited as text so exact BIGINT and DECIMAL bounds
 * keep their digits; without stats, the row count the protocol requires of a file with a vector.
 */
function looseStats(stats: string | null | undefined, physicalRows: number): string {
  if (stats === null || stats === undefined || stats.trim() === "") return `{"numRecords":${physicalRows},"tightBounds":false}`;
  if (/"tightBounds"\s*:\s*(true|false)/.test(stats)) return stats.replace(/"tightBounds"\s*:\s*(true|false)/, '"tightBounds":false');
  const end = stats.lastIndexOf("}");
  const body = stats.slice(0, end).trimEnd();
  return `${body}${body.endsWith("{") ? "" : ","}"tightBounds":false}`;
}
