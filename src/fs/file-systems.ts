/**
 * The file system of a path, by its scheme (Hadoop's FileSystem.get): local paths and `file://`,
 * `s3://` / `s3a://`, `abfss://` / `abfs://` / `wasbs://` / `wasb://`. Object-store settings come from
 * the call's options over the options in scope over the session's `spark.hadoop.*` configs over the
 * environment (object-store-conf.ts). Any other scheme is refused, naming it and the supported ones.
 *
 * The options in scope are a data source's or sink's own read/write options (Spark merges them into
 * the Hadoop configuration of that one read or write): a connector runs its work inside
 * withFileSystemOptions, so every fileSystemFor below it, synchronous or after an await, sees them
 * for the paths in the stores (scheme and bucket or container) of the source's or sink's own
 * paths; a checkpoint elsewhere keeps the session configs.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { configError } from "../common/errors.js";
import type { FileSystem } from "./file-system.js";
import { LocalFileSystem } from "./local-file-system.js";
import { type HadoopConf, azureSettings, checkHadoopKeys, hadoopConfOf, s3Settings } from "./object-store-conf.js";
import { ObjectStoreFileSystem } from "./object-store-file-system.js";
import { parseUri, pathName, schemeOf } from "./path.js";

export const SUPPORTED_SCHEMES = ["file", "s3", "s3a", "abfss", "abfs", "wasbs", "wasb"] as const;

const LOCAL = new LocalFileSystem();
/** The `spark.hadoop.*` configs of the sessions in this process (as Hadoop, one configuration per process). */
const sessionConf = new Map<string, string>();

/** Record a session config; keys without the `spark.hadoop.` prefix are ignored. */
export function setSessionHadoopConf(key: string, value: string | undefined): void {
  for (const k of hadoopConfOf([[key, ""]], true).keys()) {
    if (value === undefined) sessionConf.delete(k);
    else sessionConf.set(k, value);
  }
}

/** The Hadoop keys of one read or write's options and the stores of its paths, while its work runs (withFileSystemOptions). */
interface Scope {
  readonly conf: HadoopConf;
  /** `scheme://authority` of each path of the read or write. */
  readonly stores: ReadonlySet<string>;
}
const scoped = new AsyncLocalStorage<Scope>();

/** A path's store: scheme and bucket or container (local paths have no settings). */
function storeOf(path: string): string | null {
  const scheme = schemeOf(path);
  return scheme === null || scheme === "file" ? null : `${scheme}://${parseUri(path).authority}`;
}

function scopeOf(options: Readonly<Record<string, unknown>>, paths: readonly string[]): Scope {
  const own = Object.entries(options).find(([k]) => k.toLowerCase() === "path")?.[1];
  const all = typeof own === "string" ? [...paths, own] : paths;
  return { conf: hadoopConfOf(Object.entries(options), false), stores: new Set(all.map(storeOf).filter((x) => x !== null)) };
}

/** The Hadoop keys for `path` here (session configs, then the options in scope when `path` is in their stores), to hand to a worker thread. */
export function hadoopConfInEffect(path?: string): [string, string][] {
  return [...confWith(path, undefined)];
}

/** Make `entries` (another thread's sessionHadoopConf) this thread's session configs. */
export function adoptSessionHadoopConf(entries: readonly (readonly [string, string])[]): void {
  sessionConf.clear();
  for (const [k, v] of entries) sessionConf.set(k, v);
}

/** Options (read/write options, plain or `spark.hadoop.`-prefixed Hadoop keys) over those in scope for `path`'s store over the session's. */
function confWith(path: string | undefined, options: Readonly<Record<string, unknown>> | undefined): HadoopConf {
  const scope = scoped.getStore();
  const store = path === undefined ? null : storeOf(path);
  const inScope = scope && store !== null && scope.stores.has(store) ? scope.conf : undefined;
  const own = options ? hadoopConfOf(Object.entries(options), false) : undefined;
  if (!inScope && !own?.size) return sessionConf;
  return new Map([...sessionConf, ...(inScope ?? []), ...(own ?? [])]);
}

/**
 * The fs.s3a.* / fs.azure.* keys among a source's or sink's options, checked (FS_OPTION_UNSUPPORTED
 * names every key Sluice does not implement), so an option parser can accept them as known.
 */
export function fileSystemOptionKeys(options: Readonly<Record<string, unknown>>): string[] {
  const keys = Object.keys(options).filter((k) => hadoopConfOf([[k, ""]], false).size > 0);
  checkHadoopKeys(hadoopConfOf(keys.map((k) => [k, options[k]]), false));
  return keys;
}

/**
 * Run `fn` with the Hadoop keys of `options` (a read's or write's options) in scope for the
 * stores of `paths` (and of a `path` option): every fileSystemFor inside it, also after its
 * awaits, uses them over the session configs for a path in one of those stores. A nested scope
 * replaces the outer one, so one source's keys never reach another's files.
 */
export function withFileSystemOptions<T>(options: Readonly<Record<string, unknown>>, paths: readonly string[], fn: () => T): T {
  return scoped.run(scopeOf(options, paths), fn);
}

/** `iterable` pulled with `options` in scope at each step (withFileSystemOptions), whoever pulls it. */
export function withFileSystemOptionsIterable<T>(options: Readonly<Record<string, unknown>>, paths: readonly string[], iterable: AsyncIterable<T>): AsyncIterable<T> {
  const conf = scopeOf(options, paths);
  return {
    [Symbol.asyncIterator]() {
      const it = scoped.run(conf, () => iterable[Symbol.asyncIterator]());
      return {
        next: () => scoped.run(conf, () => it.next()),
        return: (value?: unknown) => scoped.run(conf, () => it.return?.(value) ?? Promise.resolve({ done: true as const, value: value as T })),
      };
    },
  };
}

/** The file system that holds `path`; `options` may carry fs.s3a.* / fs.azure.* keys. */
export function fileSystemFor(path: string, options?: Readonly<Record<string, unknown>>): FileSystem {
  const scheme = schemeOf(path);
  if (scheme === null || scheme === "file") return LOCAL;
  const conf = confWith(path, options);
  checkHadoopKeys(conf);
  const uri = parseUri(path);
  if (scheme === "s3" || scheme === "s3a") return new ObjectStoreFileSystem(scheme, uri.authority, s3Settings(uri, conf, process.env));
  if (scheme === "abfss" || scheme === "abfs" || scheme === "wasbs" || scheme === "wasb") return new ObjectStoreFileSystem(scheme, uri.authority, azureSettings(uri, conf, process.env));
  throw configError("FS_SCHEME_UNSUPPORTED", `No file system for scheme "${scheme}" (path ${path}); supported schemes: ${SUPPORTED_SCHEMES.join(", ")} and plain local paths`, { file: path });
}

/** The names of the files and folders directly inside `dir`, sorted; [] when it is absent. */
export function childNames(dir: string, options?: Readonly<Record<string, unknown>>): string[] {
  return fileSystemFor(dir, options)
    .listStatus(dir)
    .map((s) => pathName(s.path));
}
