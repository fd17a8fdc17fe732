/**
 * File discovery for the streaming file source: a folder (recursively, skipping hidden names) or
 * a glob, with modification times and sizes. A path that does not exist yet yields no files: the
 * folder may appear later. Uses the batch reader's glob and walk so both list files alike.
 */
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { expandGlob, isGlob, walk } from "../files/file-listing.js";

export interface ListedFile {
  readonly path: string;
  readonly mtimeMs: number;
  readonly sizeBytes: number;
}

export function listFiles(pathOrGlob: string): ListedFile[] {
  const abs = resolve(pathOrGlob);
  const roots = isGlob(abs) ? expandGlob(abs) : existsSync(abs) ? [abs] : [];
  const paths: string[] = [];
  for (const r of roots) {
    if (statSync(r).isFile()) paths.push(r);
    else walk(r, paths);
  }
  return paths.map((p) => {
    const st = statSync(p);
    return { path: p, mtimeMs: st.mtimeMs, sizeBytes: st.size };
  });
}
