/**
 * Paths as Hadoop spells them: a local path (`/data/in`, `in/`, `file:///data/in`) or a URI whose
 * scheme names an object store (`s3a://bucket/key`, `abfss://container@account.dfs.core.windows.net/key`).
 * Local paths are joined and resolved with node:path; URIs keep their `scheme://authority` and join
 * keys with `/`, so `s3://b/x` never becomes `<cwd>/s3:/b/x`.
 */
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const URI = /^([a-zA-Z][a-zA-Z0-9+.-]+):\/\/([^/]*)(\/.*)?$/;

/** A URI split into scheme (lower-case), authority and key (no leading `/`). */
export interface UriParts {
  readonly scheme: string;
  readonly authority: string;
  readonly key: string;
}

/** The scheme of `path` in lower case, or null for a plain local path. */
export function schemeOf(path: string): string | null {
  const m = URI.exec(path);
  return m ? m[1]!.toLowerCase() : null;
}

/** True for plain local paths and `file:` URIs. */
export function isLocalPath(path: string): boolean {
  const s = schemeOf(path);
  return s === null || s === "file";
}

export function parseUri(path: string): UriParts {
  const m = URI.exec(path);
  if (!m) throw new Error(`not a URI: ${path}`);
  return { scheme: m[1]!.toLowerCase(), authority: m[2]!, key: (m[3] ?? "").replace(/^\/+/, "") };
}

/** `file:///x` → `/x`; other paths unchanged. */
export function localPathOf(path: string): string {
  return schemeOf(path) === "file" ? fileURLToPath(path.startsWith("file:///") ? path : `file://${path.slice("file://".length)}`) : path;
}

/** An absolute form: local paths resolved against the working folder, URIs as given (trailing `/` kept off). */
export function qualifyPath(path: string): string {
  if (isLocalPath(path)) return resolve(localPathOf(path));
  const u = parseUri(path);
  return `${u.scheme}://${u.authority}/${u.key.replace(/\/+$/, "")}`;
}

/** `base` joined with `parts`, as node:path.join for local paths and with `/` inside a URI. */
export function joinPath(base: string, ...parts: string[]): string {
  if (isLocalPath(base)) return join(localPathOf(base), ...parts);
  const u = parseUri(base);
  const key = [u.key, ...parts].join("/").split("/").filter((s) => s !== "" && s !== ".").join("/");
  return `${u.scheme}://${u.authority}/${key}`;
}

/** The folder holding `path` (a URI's root is its own parent). */
export function parentPath(path: string): string {
  if (isLocalPath(path)) return dirname(localPathOf(path));
  const u = parseUri(path);
  const key = u.key.replace(/\/+$/, "");
  const i = key.lastIndexOf("/");
  return `${u.scheme}://${u.authority}/${i < 0 ? "" : key.slice(0, i)}`;
}

/** The last segment of `path`. */
export function pathName(path: string): string {
  if (isLocalPath(path)) return basename(localPathOf(path));
  const key = parseUri(path).key.replace(/\/+$/, "");
  return key.slice(key.lastIndexOf("/") + 1);
}
