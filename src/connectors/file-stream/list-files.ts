/**
 * File discovery for the streaming file source: a folder (recursively, skipping names that start
 * with `_` or `.`, as Spark's hidden-path filter does) or a glob with `*`, `?` and `[...]` in any
 * path segment.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve, sep } from "node:path";

export interface ListedFile {
  readonly path: string;
  readonly mtimeMs: number;
  readonly sizeBytes: number;
}

const hidden = (name: string): boolean => name.startsWith("_") || name.startsWith(".");
const isGlob = (s: string): boolean => /[*?[]/.test(s);

function globToRegExp(segment: string): RegExp {
  let re = "";
  for (const ch of segment) {
    if (ch === "*") re += "[^/]*";
    else if (ch === "?") re += "[^/]";
    else if (ch === "[" || ch === "]") re += ch;
    else re += ch.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

function walk(dir: string, out: ListedFile[]): void {
  for (const ent of readdirSync(dir, { withFileTypes: true })) {
    if (hidden(ent.name)) continue;
    const p = join(dir, ent.name);
    if (ent.isDirectory()) walk(p, out);
    else if (ent.isFile()) {
      const st = statSync(p);
      out.push({ path: p, mtimeMs: st.mtimeMs, sizeBytes: st.size });
    }
  }
}

/** Every data file under `pathOrGlob`; a missing folder yields no files (it may appear later). */
export function listFiles(pathOrGlob: string): ListedFile[] {
  const abs = resolve(pathOrGlob);
  const out: ListedFile[] = [];
  if (!isGlob(abs)) {
    if (!existsSync(abs)) return out;
    const st = statSync(abs);
    if (st.isFile()) return [{ path: abs, mtimeMs: st.mtimeMs, sizeBytes: st.size }];
    walk(abs, out);
    return out;
  }
  const parts = abs.split(sep);
  const firstGlob = parts.findIndex(isGlob);
  const base = parts.slice(0, firstGlob).join(sep) || sep;
  const expand = (dir: string, rest: string[]): void => {
    if (!existsSync(dir)) return;
    const [seg, ...more] = rest;
    if (seg === undefined) {
      const st = statSync(dir);
      if (st.isFile()) out.push({ path: dir, mtimeMs: st.mtimeMs, sizeBytes: st.size });
      else walk(dir, out);
      return;
    }
    if (!isGlob(seg)) return expand(join(dir, seg), more);
    const re = globToRegExp(seg);
    for (const ent of readdirSync(dir, { withFileTypes: true })) {
      if (!hidden(ent.name) && re.test(ent.name)) expand(join(dir, ent.name), more);
    }
  };
  expand(base, parts.slice(firstGlob));
  return out;
}
