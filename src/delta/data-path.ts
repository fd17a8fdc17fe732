/**
 * Where a data file named by the Delta log lives, and the rule that it must live inside the table.
 *
 * PROTOCOL.md §Add File: `path` is a URI (RFC 2396), relative to the table root or absolute, and is
 * URI-decoded once to get the file name. Sluice resolves it on the local file system:
 *   1. a `file:` URI (`file:/a`, `file:///a`, `file://localhost/a`) becomes its local path;
 *      a URI of any other scheme (`s3://…`) or another host names a file Sluice cannot reach;
 *   2. anything else is URI-decoded once (`a%20b.parquet` → `a b.parquet`, `..%2Fx` → `../x`) and
 *      resolved against the table root when relative, lexically (`.` and `..` segments applied);
 *   3. the result must lie strictly inside the table root; otherwise DELTA_PATH_OUTSIDE_TABLE.
 * A table on an object store (`s3a://bucket/t`, `abfss://…`, src/fs) resolves the same way with
 * `/`-separated keys: a relative path joins under the root (a `..` segment is refused), an absolute
 * URI must name the same store (`s3` and `s3a` alike) inside the root.
 *
 * Step 3 goes beyond Spark, which reads `../x` or an absolute path wherever it points (delta-spark
 * DeltaFileOperations.absolutePath keeps an absolute path and merges a relative one under the
 * root; absolute paths are how shallow clones name their source table's files). delta-rs 1.6 never
 * leaves the root either: it joins every path under the root as literal segments, so such files
 * are not found. Both are recorded (delta-spark 4.0.0 reads every form, inside or out; deltalake
 * 1.6.6 reads only plain relative paths) by scripts/oracle/delta_escaping_paths.py into
 * test/delta-e2e/escaping-paths.golden.json; see docs/differences.md. The check is lexical: a
 * symbolic link inside the table is followed, as by every reader.
 */
import { isAbsolute, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { inputError } from "../common/errors.js";
import { isLocalPath, parseUri, qualifyPath } from "../fs/path.js";

/** A commit or checkpoint file of the log and its version, named in errors. */
export interface LogLocation {
  readonly file: string;
  readonly version: number;
}

/** The log entry a path came from. */
export interface PathOrigin extends LogLocation {
  readonly action: "add" | "remove" | "cdc";
}

const SCHEME_RE = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;

/**
 * The file-system path of the data file `path` of the table at `tablePath`. Throws
 * DELTA_PATH_OUTSIDE_TABLE (naming the table, the log file and version when given, and the path)
 * when the path resolves outside the table root, names another file system, or holds a NUL.
 */
export function dataFilePath(tablePath: string, path: string, origin?: PathOrigin): string {
  const remote = !isLocalPath(tablePath);
  const root = remote ? qualifyPath(tablePath) : resolve(tablePath);
  const scheme = SCHEME_RE.exec(path)?.[1]?.toLowerCase();
  let abs: string | undefined;
  let why: string;
  if (remote) {
    ({ abs, why } = objectStorePath(root, path, scheme));
    if (abs !== undefined && abs.startsWith(root + "/")) return abs;
  } else if (scheme === undefined) {
    const decoded = safeDecode(path);
    abs = decoded.includes("\0") ? undefined : isAbsolute(decoded) ? resolve(decoded) : resolve(root, decoded);
    why = abs === undefined ? "holds a NUL character" : `resolves to ${abs}`;
  } else if (scheme === "file") {
    abs = fileUriPath(path);
    why = abs === undefined ? "is a file URI of another host or with an encoded '/' or NUL" : `resolves to ${abs}`;
  } else {
    why = `names a file on another file system (scheme ${scheme})`;
  }
  if (abs !== undefined && abs.startsWith(root + sep)) return abs;
  const where = origin ? `the ${origin.action} action in ${origin.file} (version ${origin.version})` : "a staged file action";
  throw inputError(
    "DELTA_PATH_OUTSIDE_TABLE",
    `Delta table ${root}: ${where} names the data file "${path}", which ${why}, outside the table folder. ` +
      `Sluice reads and tracks only data files inside the table root; the log is damaged or hand-edited, or the table is a shallow clone (not supported).`,
    { table: root, path, ...(origin ? { file: origin.file, version: origin.version, action: origin.action } : {}) },
  );
}

/** `path` of a table rooted at the URI `root`, by the rules above (the caller checks it is inside). */
function objectStorePath(root: string, path: string, scheme: string | undefined): { abs: string | undefined; why: string } {
  const r = parseUri(root);
  if (scheme === undefined) {
    const decoded = safeDecode(path);
    const segments = decoded.split("/");
    if (decoded.includes("\0") || segments.includes("..") || decoded.startsWith("/")) return { abs: undefined, why: "is absolute, holds '..' or a NUL character" };
    const key = segments.filter((seg) => seg !== "" && seg !== ".").join("/");
    return { abs: `${root}/${key}`, why: `resolves to ${root}/${key}` };
  }
  const alias = (s: string): string => (s === "s3" ? "s3a" : s === "wasb" ? "wasbs" : s === "abfs" ? "abfss" : s);
  const decoded = safeDecode(path);
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(decoded)) return { abs: undefined, why: `is not a URI of this table's store (${scheme}:)` };
  const u = parseUri(decoded);
  if (alias(u.scheme) !== alias(r.scheme) || u.authority !== r.authority || u.key.split("/").includes("..")) {
    return { abs: undefined, why: `names a file on another file system or outside the table (${u.scheme}://${u.authority})` };
  }
  const abs = `${r.scheme}://${r.authority}/${u.key}`;
  return { abs, why: `resolves to ${abs}` };
}

/** The local path of a `file:` URI (`file:/a`, `file:///a`, `file://localhost/a`), or undefined. */
function fileUriPath(uri: string): string | undefined {
  try {
    const url = new URL(uri);
    if (url.host !== "" && url.host !== "localhost") return undefined;
    return resolve(fileURLToPath(url));
  } catch {
    return undefined; // malformed, or an encoded '/' or NUL (fileURLToPath refuses both)
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s; // a stray '%' that starts no escape: the text is the name
  }
}

/** The log path for a file written under the table root: relative, URI-encoded per segment. */
export function relativeLogPath(relative: string): string {
  return relative
    .split("/")
    .map((seg) => encodeURIComponent(seg).replace(/%3D/g, "="))
    .join("/");
}
