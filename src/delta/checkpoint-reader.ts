/**
 * Reading classic (`<v>.checkpoint.parquet`) and multi-part (`<v>.checkpoint.<o>.<p>.parquet`)
 * checkpoints into actions (PROTOCOL.md §Checkpoints). Each row holds one action in one of the
 * top-level struct columns (`add`, `remove`, `metaData`, `protocol`, `txn`, `domainMetadata`).
 */
import type { Action } from "./actions.js";
import { parseAction } from "./actions.js";
import type { CheckpointRef } from "./log-store.js";
import { arrowRows, readParquetFile } from "./parquet-io.js";

const ACTION_COLUMNS = ["protocol", "metaData", "add", "remove", "txn", "domainMetadata"] as const;

/** All actions of a complete checkpoint, part by part. */
export function readCheckpoint(cp: CheckpointRef): Action[] {
  const out: Action[] = [];
  for (const path of cp.paths) {
    const rows = arrowRows(readParquetFile(path));
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      const picked: Record<string, unknown> = {};
      for (const k of ACTION_COLUMNS) if (row[k] !== null && row[k] !== undefined) picked[k] = row[k];
      const a = parseAction(picked, { file: path, line: r + 1 });
      if (a) out.push(a);
    }
  }
  return out;
}
