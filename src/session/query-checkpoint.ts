/**
 * The checkpoint folder a named query gets under `spark.sql.streaming.checkpointLocation`.
 *
 * Spark uses `<root>/<queryName>` as given, so `queryName("../..")` checkpoints two levels above
 * the root and `queryName(".")` into the root itself (recorded from PySpark 4.0.1 by
 * scripts/oracle/query_name_checkpoints.py into query-checkpoint.golden.json). Sluice requires the
 * name to be one folder name, so every query's checkpoint is its own folder inside the root:
 * not empty, not `.` or `..`, no `/` or `\`, no NUL (see docs/differences.md).
 */
import { joinPath, qualifyPath } from "../fs/path.js";
import { configError } from "../common/errors.js";

/** Why `name` cannot be a folder name under a root, or null when it can. */
function unsafeFolderName(name: string): string | null {
  if (name.trim() === "") return "it is empty";
  if (name === "." || name === "..") return `"${name}" names the root or its parent, not a folder inside it`;
  if (name.includes("/") || name.includes("\\")) return "it holds a path separator (/ or \\)";
  if (name.includes("\0")) return "it holds a NUL character";
  return null;
}

/**
 * `<root>/<queryName>`, resolved. Throws INVALID_QUERY_NAME naming the name and the root when the
 * name is not a single folder name (it would leave the root, or share the root itself).
 */
export function queryCheckpointDir(root: string, queryName: string): string {
  const why = unsafeFolderName(queryName);
  if (why !== null) {
    throw configError(
      "INVALID_QUERY_NAME",
      `Query name ${JSON.stringify(queryName)} cannot name a checkpoint folder under spark.sql.streaming.checkpointLocation (${qualifyPath(root)}): ${why}. ` +
        `Use a single folder name (no / or \\, not . or ..), or give the query its own option("checkpointLocation", ...).`,
      { queryName, root: qualifyPath(root) },
    );
  }
  return joinPath(qualifyPath(root), queryName);
}
