/**
 * Input file discovery for batch reads, as Spark's InMemoryFileIndex does it:
 *   1. each path is a file, a folder (walked recursively, skipping names starting with `_` or `.`),
 *      or a glob (`*`, `?`, `[...]` in any segment); a path matching nothing → PATH_NOT_FOUND;
 *   2. a folder written by a streaming file sink (`_spark_metadata/`) lists only committed files;
 *   3. `col=value` folders between a root and a file are partition values (Spark-escaped);
 *      every file must have the same partition column names, in the same order.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { SluiceError, analysisError } from "../../common/errors.js";
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

export const DEFAULT_PARTITION_NAME = "__HIVE_DEFAULT_PARTITION__";

const hidden = (name: string): boolean => name.startsWith("_") || name.startsWith(".");
export const isGlob = (s: string): boolean => /[*?[]/.test(s);

function globRegExp(segment: string): RegExp {
  let re = "";
  for (const ch of segment) {
    if (ch === "*") re += "[^/]*";
    else if (ch === "?") re += "[^/]";
    else if (ch === "[" || ch === "]") re += ch;
    else re += ch.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** Paths (files or folders) a glob matches, sorted. */
export function expandGlob(abs: string): string[] {
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
    if (!existsSync(dir) || !statSync(dir).isDirectory()) return;
    const re = globRegExp(seg);
    for (const name of readdirSync(dir).sort()) if (!hidden(name) && re.test(name)) expand(join(dir, name), more);
  };
  expand(parts.slice(0, first).join(sep) || sep, parts.slice(first));
  return out;
}

/** Files committed by a streaming file sink under `dir`, or undefined when there is no manifest. */
function sinkManifestFiles(dir: string): string[] | undefined {
  const meta = join(dir, "_spark_metadata");
  if (!existsSync(meta) || !statSync(meta).isDirectory()) return undefined;
  return new FileStreamSinkLog(meta)
    .committedFiles()
    .map((p) => p.replace(/^file:(\/\/)?/, ""))
    .filter((p) => existsSync(p))
    .sort();
}

/** Every file under `dir`, recursively, skipping hidden names; sorted within each folder. */
export function walk(dir: string, out: string[]): void {
  for (const ent of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (hidden(ent.name)) continue;
    const p = join(dir, ent.name);
    if (ent.isDirectory()) walk(p, out);
    else if (ent.isFile()) out.push(p);
  }
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

function partitionsOf(root: string, file: string): { names: string[]; values: (string | null)[] } {
  const rel = relative(root, file).split(sep).slice(0, -1);
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

/** List the data files of `paths` with their partition values. */
export function listInputFiles(paths: readonly string[], opts: { basePath?: string; recursiveFileLookup?: boolean; pathGlobFilter?: string } = {}): FileListing {
  if (paths.length === 0) throw analysisError("PATH_NOT_FOUND", "No input path given: pass a file, folder or glob to load()");
  const found: { root: string; file: string }[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    const matches = isGlob(p) ? expandGlob(abs) : existsSync(abs) ? [abs] : [];
    if (matches.length === 0) throw analysisError("PATH_NOT_FOUND", `Path does not exist: ${abs}. Check the path, or create it before reading.`, { path: abs });
    for (const m of matches) {
      const st = statSync(m);
      if (st.isFile()) {
        found.push({ root: opts.basePath ? resolve(opts.basePath) : join(m, ".."), file: m });
        continue;
      }
      const files = sinkManifestFiles(m) ?? (() => {
        const out: string[] = [];
        walk(m, out);
        return out;
      })();
      for (const f of files) found.push({ root: opts.basePath ? resolve(opts.basePath) : m, file: f });
    }
  }
  const glob = opts.pathGlobFilter ? globRegExp(opts.pathGlobFilter) : undefined;
  const kept = glob ? found.filter((f) => glob.test(f.file.slice(f.file.lastIndexOf(sep) + 1))) : found;
  let columns: string[] | undefined;
  const files: InputFile[] = [];
  for (const { root, file } of kept) {
    const { names, values } = opts.recursiveFileLookup ? { names: [], values: [] } : partitionsOf(root, file);
    if (columns === undefined) columns = names;
    else if (columns.join("\u0000") !== names.join("\u0000")) {
      throw new SluiceError(
        "analysis",
        "CONFLICTING_PARTITION_COLUMN_NAMES",
        `Conflicting partition column names detected: [${columns.join(", ")}] vs [${names.join(", ")}] (at ${file}). Partition folders must use the same column names in the same order; pass only one table's folder.`,
        { file },
      );
    }
    files.push({ path: file, sizeBytes: statSync(file).size, partitionValues: values });
  }
  return { files, partitionColumns: columns ?? [] };
}
