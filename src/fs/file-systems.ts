/**
 * The file system of a path, by its scheme (Hadoop's FileSystem.get): local paths and `file://`,
 * `s3://` / `s3a://`, `abfss://` / `abfs://` / `wasbs://` / `wasb://`. Object-store settings come from
 * the call's options over the session's `spark.hadoop.*` configs over the environment
 * (object-store-conf.ts). Any other scheme is refused, naming it and the supported ones.
 */
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

/** The session's Hadoop keys (without the `spark.hadoop.` prefix), to hand to a worker thread. */
export function sessionHadoopConf(): [string, string][] {
  return [...sessionConf];
}

/** Make `entries` (another thread's sessionHadoopConf) this thread's session configs. */
export function adoptSessionHadoopConf(entries: readonly (readonly [string, string])[]): void {
  sessionConf.clear();
  for (const [k, v] of entries) sessionConf.set(k, v);
}

/** Options (read/write options, plain or `spark.hadoop.`-prefixed Hadoop keys) over the session's. */
function confWith(options: Readonly<Record<string, unknown>> | undefined): HadoopConf {
  if (!options) return sessionConf;
  const own = hadoopConfOf(Object.entries(options), false);
  return own.size === 0 ? sessionConf : new Map([...sessionConf, ...own]);
}

/** The file system that holds `path`; `options` may carry fs.s3a.* / fs.azure.* keys. */
export function fileSystemFor(path: string, options?: Readonly<Record<string, unknown>>): FileSystem {
  const scheme = schemeOf(path);
  if (scheme === null || scheme === "file") return LOCAL;
  const conf = confWith(options);
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
