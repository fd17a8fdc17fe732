/**
 * Input file discovery for batch reads, as Spark's InMemoryFileIndex does it:
 *   1. each path is a file, a folder (walked recursively, skipping names starting with `_` or `.`),
 *      or a glob (`*`, `?`, `[...]`, `{a,b}` in any segment); a path matching nothing → PATH_NOT_FOUND;
 *      symbolic links to files and folders are followed, as Hadoop's local file system does;
 *      dangling links and entries deleted while listing are skipped, as Hadoop's listing skips
 *      them (test/file-options/expected/dangling-symlink-batch.json);
 *   2. a folder written by a streaming file sink (`_spark_metadata/`), read as the only path,
 *      lists only the files its manifest commits, deleted ones included: reading one fails unless
 *      ignoreMissingFiles;
 *   3. pathGlobFilter (on file names) and modifiedBefore/modifiedAfter keep some of the files;
 *   4. `col=value` folders between a root and a file are partition values (Spark-escaped), unless
 *      recursiveFileLookup; every file must have the same partition column names, in the same order;
 *   5. without partition columns and without recursiveFileLookup, only the files directly in each
 *      listed folder are read, as Spark's PartitioningAwareFileIndex.allFiles does: files in plain
 *      subfolders are not (test/file-options/expected/nested-plain-folder-batch.json).
 * Paths on an object store (`s3a://bucket/in/`, src/fs) are listed through the FileSystem layer
 * by the same rules: a "folder" is a key prefix, and there are no symbolic links.
 */
import { existsSync, readdirSync, realpathSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { fileSystemFor } from "../../fs/file-systems.js";
import { isLocalPath, joinPath, parentPath, parseUri, pathName, qualifyPath } from "../../fs/path.js";
import { SluiceError, analysisError, configError } from "../../common/errors.js";
import { getTimeZone, toLocalUs } from "../../expr/datetime/time-zone.js";
import type { FileListingOptions } from "./options.js";
import { FileStreamSinkLog } from "./sink-manifest.js";

export interface InputFile {
  readonly path: string;
  readonly sizeBytes: number;
  /** Raw (unescaped) partition values by column, in folder order; null for the default partition. */
  readonly partitionValues: readonly (string | null)[];
}

export interface FileListing {
  readonly files: readonly InputFile[];
  readonly partitionColumns: readonly string[];
}

/** A data file found by a listing, with its size and modification time. */
export interface FoundFile {
  readonly path: string;
  readonly sizeBytes: number;
  readonly mtimeMs: number;
}

export const DEFAULT_PARTITION_NAME = "__HIVE_DEFAULT_PARTITION__";

const hidden = (name: string): boolean => name.startsWith("_") || name.startsWith(".");
/** Whether a path holds glob characters (Hadoop's isGlobPath). */
export const isGlob = (s: string): boolean => /[*?[{]/.test(s);

/** Whether `e` says the file or folder is not there (deleted, or a dangling symbolic link). */
export const isNotFound = (e: unknown): boolean => {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
};

const escapeRe = (ch: string): string => ch.replace(/[.+^$(){}|[\]\\*?/]/g, "\\$&");

/**
 * A Hadoop glob for one path segment or file name: `*`, `?`, `[abc]`, `[!a-c]`/`[^a-c]`,
 * `{a,b}` and `\` escapes. An unbalanced pattern fails with INVALID_GLOB naming it.
 */
export function globRegExp(pattern: string): RegExp {
  let re = "";
  let braces = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (inClass) {
      inClass = ch !== "]";
      re += ch === "\\" ? "\\\\" : ch;
    } else if (ch === "\\" && i + 1 < pattern.length) re += escapeRe(pattern[++i]!);
    else if (ch === "*") re += "[^/]*";
    else if (ch === "?") re += "[^/]";
    else if (ch === "[") {
      inClass = true;
      re += "[";
      if (pattern[i + 1] === "!" || pattern[i + 1] === "^") (re += "^"), i++;
    } else if (ch === "{") braces++, (re += "(?:");
    else if (ch === "}" && braces > 0) braces--, (re += ")");
    else if (ch === "," && braces > 0) re += "|";
    else re += escapeRe(ch);
  }
  try {
    if (inClass || braces > 0) throw new Error(inClass ? "unclosed character class" : "unclosed group");
    return new RegExp(`^${re}$`);
  } catch (e) {
    throw configError("INVALID_GLOB", `Illegal file pattern ${JSON.stringify(pattern)}: ${(e as Error).message}`, { pattern });
  }
}

/** What a listing needs to know of a file or folder. */
interface Entry {
  readonly isFile: boolean;
  readonly isDirectory: boolean;
  readonly size: number;
  readonly mtimeMs: number;
}

/** Stat following symbolic links (or an object store's status); undefined when the entry is gone or a dangling link. */
function statFollowing(p: string): Entry | undefined {
  if (!isLocalPath(p)) {
    const st = fileSystemFor(p).getFileStatus(p);
    return st ? { isFile: !st.isDirectory, isDirectory: st.isDirectory, size: st.length, mtimeMs: st.modificationTime } : undefined;
  }
  try {
    const st = statSync(p);
    return { isFile: st.isFile(), isDirectory: st.isDirectory(), size: st.size, mtimeMs: st.mtimeMs };
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** Paths (files or folders) a glob on an object store matches, sorted: globs apply to key segments. */
function expandGlobUri(uri: string): string[] {
  const u = parseUri(uri);
  const parts = u.key.split("/").filter((s) => s !== "");
  const first = parts.findIndex(isGlob);
  const out: string[] = [];
  const expand = (dir: string, rest: string[]): void => {
    const [seg, ...more] = rest;
    if (seg === undefined) return void out.push(dir);
    if (!isGlob(seg)) return void expand(joinPath(dir, seg), more);
    const re = globRegExp(seg);
    for (const e of fileSystemFor(dir).listStatus(dir)) {
      const name = pathName(e.path);
      if (!hidden(name) && re.test(name)) expand(e.path, more);
    }
  };
  expand(`${u.scheme}://${u.authority}/${parts.slice(0, first).join("/")}`, parts.slice(first));
  return out.filter((p) => statFollowing(p) !== undefined);
}

/** Paths (files or folders) a glob matches, sorted. */
export function expandGlob(abs: string): string[] {
  if (!isLocalPath(abs)) return expandGlobUri(abs);
  const parts = abs.split(sep);
  const first = parts.findIndex(isGlob);
  const out: string[] = [];
  const expand = (dir: string, rest: string[]): void => {
    const [seg, ...more] = rest;
    if (seg === undefined) return void out.push(dir);
    if (!isGlob(seg)) {
      const next = join(dir, seg);
      if (existsSync(next)) expand(next, more);
      return;
    }
    if (!statFollowing(dir)?.isDirectory) return;
    const re = globRegExp(seg);
    for (const name of readdirSync(dir).sort()) if (!hidden(name) && re.test(name)) expand(join(dir, name), more);
  };
  expand(parts.slice(0, first).join(sep) || sep, parts.slice(first));
  return out;
}

/** Files committed by a streaming file sink under `dir` (as its manifest records them), or undefined when there is no manifest. */
export function sinkManifestFiles(dir: string): FoundFile[] | undefined {
  const meta = joinPath(dir, "_spark_metadata");
  if (!statFollowing(meta)?.isDirectory) return undefined;
  return new FileStreamSinkLog(meta)
    .committedFileStatuses()
    .map((e) => ({ path: e.path.startsWith("file:") ? fileURLToPath(e.path) : e.path, sizeBytes: e.size, mtimeMs: e.modificationTime }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Every file under `dir`, recursively, skipping hidden names; sorted within each folder.
 * Symbolic links are followed; a link back to a folder being walked fails with SYMLINK_LOOP.
 */
export function walk(dir: string, out: FoundFile[], ancestors?: Set<string>): void {
  if (!isLocalPath(dir)) return walkUri(dir, out);
  ancestors ??= new Set([realpathSync(dir)]);
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (e) {
    if (isNotFound(e)) return; // deleted while listing
    throw e;
  }
  for (const name of names) {
    if (hidden(name)) continue;
    const p = join(dir, name);
    const st = statFollowing(p);
    if (st?.isFile) out.push({ path: p, sizeBytes: st.size, mtimeMs: st.mtimeMs });
    if (!st?.isDirectory) continue;
    const real = realpathSync(p);
    if (ancestors.has(real)) {
      throw analysisError("SYMLINK_LOOP", `Cannot list ${p}: it is a symbolic link to ${real}, a folder that contains it, so the listing would never end. Remove the link or read a folder below it.`, { path: p });
    }
    ancestors.add(real);
    walk(p, out, ancestors);
    ancestors.delete(real);
  }
}

/** `walk` on an object store: one listing per folder (key prefix), no links to follow. */
function walkUri(dir: string, out: FoundFile[]): void {
  for (const e of fileSystemFor(dir).listStatus(dir)) {
    if (hidden(pathName(e.path))) continue;
    if (e.isDirectory) walkUri(e.path, out);
    else out.push({ path: e.path, sizeBytes: e.length, mtimeMs: e.modificationTime });
  }
}

/**
 * The modifiedBefore/modifiedAfter test on a file's modification time (Spark's ModifiedDateFilter):
 * Spark shifts the file's instant into the zone's wall-clock time before comparing it with the
 * threshold instant, and both comparisons are strict.
 */
export function modifiedFilter(opts: Partial<FileListingOptions>): ((mtimeMs: number) => boolean) | undefined {
  const { modifiedBeforeUs: before, modifiedAfterUs: after } = opts;
  if (before === undefined && after === undefined) return undefined;
  const tz = getTimeZone(opts.timeZone ?? "UTC");
  return (mtimeMs) => {
    const local = toLocalUs(tz, Math.floor(mtimeMs) * 1000);
    return (before === undefined || local < before) && (after === undefined || local > after);
  };
}

/** The files of one path (a file, a folder or, with `useManifest`, a sink output folder); the path must exist. */
function filesOf(p: string, st: Entry, useManifest: boolean): FoundFile[] {
  if (st.isFile) return [{ path: p, sizeBytes: st.size, mtimeMs: st.mtimeMs }];
  const manifest = useManifest ? sinkManifestFiles(p) : undefined;
  if (manifest) return manifest;
  const out: FoundFile[] = [];
  walk(p, out);
  return out;
}

/** A listed file with the root its partition folders start at and the folder that was listed (none for a path naming the file). */
export interface FoundUnder {
  readonly root: string;
  readonly listed?: string;
  readonly file: FoundFile;
  readonly partition: { readonly names: readonly string[]; readonly values: readonly (string | null)[] };
}

/**
 * The data files of `path` (a file, folder or glob; none when it does not exist), after
 * pathGlobFilter and the modification time filters (steps 1–3), with their partition folders;
 * when no file has any, only the direct children of the listed folders (step 5). A sink's
 * manifest is trusted only when `path` is the one path read and not a glob (Spark's
 * FileStreamSink.hasMetadata rule).
 */
export function findFiles(path: string, opts: Partial<FileListingOptions> = {}, onlyPath = true): FoundUnder[] {
  const abs = qualifyPath(path);
  const keepName = opts.pathGlobFilter !== undefined ? globRegExp(opts.pathGlobFilter) : undefined;
  const keepTime = modifiedFilter(opts);
  const out: FoundUnder[] = [];
  for (const m of isGlob(path) ? expandGlob(abs) : [abs]) {
    const st = statFollowing(m);
    if (!st) continue;
    const root = opts.basePath ? qualifyPath(opts.basePath) : st.isFile ? parentPath(m) : m;
    for (const file of filesOf(m, st, onlyPath && !isGlob(path))) {
      if (keepName && !keepName.test(pathName(file.path))) continue;
      if (keepTime && !keepTime(file.mtimeMs)) continue;
      const partition = opts.recursiveFileLookup ? { names: [], values: [] } : partitionsOf(root, file.path);
      out.push({ root, ...(st.isFile ? {} : { listed: m }), file, partition });
    }
  }
  if (opts.recursiveFileLookup || out.some((f) => f.partition.names.length > 0)) return out;
  return out.filter((f) => f.listed === undefined || parentPath(f.file.path) === f.listed);
}

/** Spark's escapePathName: `%XX` for characters unsafe in a path segment. */
export function escapePartitionValue(v: string): string {
  let out = "";
  for (const ch of v) {
    const c = ch.charCodeAt(0);
    if (c < 0x20 || c === 0x7f || '"#%\'*/:=?\\{[]^'.includes(ch)) out += "%" + c.toString(16).toUpperCase().padStart(2, "0");
    else out += ch;
  }
  return out;
}

export function unescapePartitionValue(v: string): string {
  return v.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** The `col=value` folders between `root` and `file`: names and raw (unescaped) values, null for the default partition. */
export function partitionsOf(root: string, file: string): { names: string[]; values: (string | null)[] } {
  const rel = (isLocalPath(root) ? relative(root, file).split(sep) : file.slice(root.length + 1).split("/")).slice(0, -1);
  const names: string[] = [];
  const values: (string | null)[] = [];
  for (const seg of rel) {
    const eq = seg.indexOf("=");
    if (eq <= 0) continue;
    names.push(unescapePartitionValue(seg.slice(0, eq)));
    const raw = unescapePartitionValue(seg.slice(eq + 1));
    values.push(raw === DEFAULT_PARTITION_NAME ? null : raw);
  }
  return { names, values };
}

/** List the data files of `paths` with their partition values (steps 1–4). */
export function listInputFiles(paths: readonly string[], opts: Partial<FileListingOptions> = {}): FileListing {
  if (paths.length === 0) throw analysisError("PATH_NOT_FOUND", "No input path given: pass a file, folder or glob to load(), or set option(\"path\", ...)");
  const found: FoundUnder[] = [];
  for (const p of paths) {
    const abs = qualifyPath(p);
    const exists = isGlob(p) ? expandGlob(abs).length > 0 : statFollowing(abs) !== undefined;
    if (!exists) throw analysisError("PATH_NOT_FOUND", `Path does not exist: ${abs}. Check the path, or create it before reading.`, { path: abs });
    found.push(...findFiles(p, opts, paths.length === 1));
  }
  let columns: readonly string[] | undefined;
  const files: InputFile[] = [];
  for (const { file, partition: { names, values } } of found) {
    if (columns === undefined) columns = names;
    else if (columns.join("\u0000") !== names.join("\u0000")) {
      throw new SluiceError(
        "analysis",
        "CONFLICTING_PARTITION_COLUMN_NAMES",
        `Conflicting partition column names detected: [${columns.join(", ")}] vs [${names.join(", ")}] (at ${file.path}). Partition folders must use the same column names in the same order; pass only one table's folder.`,
        { file: file.path },
      );
    }
    files.push({ path: file.path, sizeBytes: file.sizeBytes, partitionValues: values });
  }
  return { files, partitionColumns: columns ?? [] };
}
