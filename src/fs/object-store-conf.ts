/**
 * Which store, endpoint and credentials an object-store path uses, from Hadoop's keys (given as
 * read/write options, or as session configs with Spark's `spark.hadoop.` prefix) and the clouds'
 * standard environment. Options win over session configs; Hadoop's per-bucket keys
 * (`fs.s3a.bucket.<bucket>.endpoint`) win over the global ones.
 *
 * S3 (`s3://`, `s3a://`): fs.s3a.endpoint, fs.s3a.endpoint.region, fs.s3a.access.key,
 *   fs.s3a.secret.key, fs.s3a.session.token, fs.s3a.path.style.access; else AWS_ENDPOINT_URL_S3 /
 *   AWS_ENDPOINT_URL, AWS_REGION / AWS_DEFAULT_REGION, and the AWS SDK's credential chain
 *   (AWS_ACCESS_KEY_ID…, AWS_PROFILE and ~/.aws, container and instance roles).
 * Azure (`abfss://container@account.dfs.core.windows.net/…`, `wasbs://…blob.core.windows.net/…`):
 *   fs.azure.account.key.<account host>, fs.azure.sas.fixed.token.<account host> (ABFS) or
 *   fs.azure.sas.<container>.<account host> (WASB), fs.azure.connection.string (Sluice's key, as
 *   AZURE_STORAGE_CONNECTION_STRING), fs.azure.blob.endpoint (Sluice's key: another Blob endpoint,
 *   e.g. Azurite); else AZURE_STORAGE_CONNECTION_STRING, AZURE_STORAGE_KEY, AZURE_STORAGE_SAS_TOKEN.
 *
 * Secrets stay inside the settings objects: no error, log or description names them.
 */
import { configError } from "../common/errors.js";
import type { UriParts } from "./path.js";

/** Hadoop configuration keys without the `spark.hadoop.` prefix. */
export type HadoopConf = ReadonlyMap<string, string>;

export interface S3Settings {
  readonly store: "s3";
  readonly bucket: string;
  readonly region: string;
  readonly endpoint?: string;
  readonly forcePathStyle: boolean;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
}

export interface AzureSettings {
  readonly store: "azure";
  readonly account: string;
  readonly container: string;
  /** The Blob service URL, e.g. https://<account>.blob.core.windows.net */
  readonly endpoint: string;
  readonly credential:
    | { readonly type: "key"; readonly key: string }
    | { readonly type: "sas"; readonly token: string }
    | { readonly type: "connectionString"; readonly value: string };
}

export type ObjectStoreSettings = S3Settings | AzureSettings;

const S3_KEYS = ["fs.s3a.endpoint", "fs.s3a.endpoint.region", "fs.s3a.access.key", "fs.s3a.secret.key", "fs.s3a.session.token", "fs.s3a.path.style.access"];
/** fs.s3a.impl naming Hadoop's own class means what Sluice does anyway. */
const S3A_IMPL = "org.apache.hadoop.fs.s3a.S3AFileSystem";

/** Session configs and options as Hadoop keys: `spark.hadoop.x` → `x`; other keys dropped. */
export function hadoopConfOf(entries: Iterable<readonly [string, unknown]>, prefixed: boolean): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of entries) {
    const key = prefixed ? (k.startsWith("spark.hadoop.") ? k.slice("spark.hadoop.".length) : undefined) : k.startsWith("spark.hadoop.") ? k.slice("spark.hadoop.".length) : k;
    if (key !== undefined && (key.startsWith("fs.s3a.") || key.startsWith("fs.azure.") || key === "fs.s3.impl")) out.set(key, String(v));
  }
  return out;
}

/** Refuse the fs.s3a.* / fs.azure.* keys Sluice does not implement, naming all of them at once. */
export function checkHadoopKeys(conf: HadoopConf): void {
  const bad: string[] = [];
  for (const [k, v] of conf) {
    if (k === "fs.s3a.impl" || k === "fs.s3.impl") {
      if (v !== S3A_IMPL) bad.push(`${k}=${v}`);
    } else if (k.startsWith("fs.s3a.")) {
      const perBucket = /^fs\.s3a\.bucket\.[^.]+\.(.+)$/.exec(k);
      if (!S3_KEYS.includes(perBucket ? `fs.s3a.${perBucket[1]}` : k)) bad.push(k);
    } else if (k.startsWith("fs.azure.")) {
      if (!/^fs\.azure\.(account\.key\.[^=]+|sas\.fixed\.token\.[^=]+|sas\.[^.]+\.[^=]+|connection\.string|blob\.endpoint)$/.test(k)) bad.push(k);
    }
  }
  if (bad.length > 0) {
    throw configError(
      "FS_OPTION_UNSUPPORTED",
      `Unsupported file-system configuration: ${bad.join(", ")}. Sluice reads ${S3_KEYS.join(", ")} (also per bucket as fs.s3a.bucket.<bucket>.<key>), fs.azure.account.key.<host>, fs.azure.sas.fixed.token.<host>, fs.azure.sas.<container>.<host>, fs.azure.connection.string and fs.azure.blob.endpoint (docs/object-stores.md)`,
    );
  }
}

function bool(key: string, v: string | undefined, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (/^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === "true";
  throw configError("FS_OPTION_INVALID", `${key} must be true or false, got ${JSON.stringify(v)}`);
}

export function s3Settings(uri: UriParts, conf: HadoopConf, env: NodeJS.ProcessEnv): S3Settings {
  const bucket = uri.authority;
  if (bucket === "") throw configError("FS_PATH_INVALID", `${uri.scheme}:// path has no bucket: ${uri.scheme}:///${uri.key}`);
  const get = (k: string): string | undefined => conf.get(`fs.s3a.bucket.${bucket}.${k}`) ?? conf.get(`fs.s3a.${k}`);
  const accessKeyId = get("access.key");
  const secretAccessKey = get("secret.key");
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw configError("FS_OPTION_INVALID", `fs.s3a.access.key and fs.s3a.secret.key must be set together (bucket ${bucket})`);
  }
  const endpoint = get("endpoint") ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  const sessionToken = get("session.token");
  return {
    store: "s3",
    bucket,
    region: get("endpoint.region") ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1",
    ...(endpoint !== undefined && endpoint !== "" ? { endpoint: /^https?:\/\//.test(endpoint) ? endpoint : `https://${endpoint}` } : {}),
    forcePathStyle: bool("fs.s3a.path.style.access", get("path.style.access"), false),
    ...(accessKeyId !== undefined ? { credentials: { accessKeyId, secretAccessKey: secretAccessKey!, ...(sessionToken !== undefined ? { sessionToken } : {}) } } : {}),
  };
}

export function azureSettings(uri: UriParts, conf: HadoopConf, env: NodeJS.ProcessEnv): AzureSettings {
  const m = /^([^@]+)@([a-z0-9]+)\.(dfs|blob)\.(.+)$/i.exec(uri.authority);
  if (!m) {
    throw configError("FS_PATH_INVALID", `${uri.scheme}:// paths name container@account.${uri.scheme.startsWith("abfs") ? "dfs" : "blob"}.core.windows.net, got ${JSON.stringify(uri.authority)}`);
  }
  const [, container, account, , suffix] = m as unknown as [string, string, string, string, string];
  const hosts = [`${account}.dfs.${suffix}`, `${account}.blob.${suffix}`];
  const pick = (keys: string[]): string | undefined => keys.map((k) => conf.get(k)).find((v) => v !== undefined);
  const endpoint = conf.get("fs.azure.blob.endpoint") ?? `https://${account}.blob.${suffix}`;
  const base = { store: "azure", account, container, endpoint: endpoint.replace(/\/+$/, "") } as const;
  const key = pick(hosts.map((h) => `fs.azure.account.key.${h}`));
  if (key !== undefined) return { ...base, credential: { type: "key", key } };
  const sas = pick(hosts.flatMap((h) => [`fs.azure.sas.fixed.token.${h}`, `fs.azure.sas.${container}.${h}`]));
  if (sas !== undefined) return { ...base, credential: { type: "sas", token: sas.replace(/^\?/, "") } };
  const cs = conf.get("fs.azure.connection.string") ?? env.AZURE_STORAGE_CONNECTION_STRING;
  if (cs !== undefined) return { ...base, credential: { type: "connectionString", value: cs } };
  if (env.AZURE_STORAGE_KEY !== undefined) return { ...base, credential: { type: "key", key: env.AZURE_STORAGE_KEY } };
  if (env.AZURE_STORAGE_SAS_TOKEN !== undefined) return { ...base, credential: { type: "sas", token: env.AZURE_STORAGE_SAS_TOKEN.replace(/^\?/, "") } };
  throw configError(
    "FS_CREDENTIALS_MISSING",
    `No credentials for Azure account ${account}: set fs.azure.account.key.${hosts[0]}, a SAS token (fs.azure.sas.fixed.token.${hosts[0]}), fs.azure.connection.string, or AZURE_STORAGE_CONNECTION_STRING / AZURE_STORAGE_KEY / AZURE_STORAGE_SAS_TOKEN`,
  );
}

/** The secret strings in `s`, for scrubbing error text. */
export function secretsOf(s: ObjectStoreSettings): string[] {
  if (s.store === "s3") return s.credentials ? [s.credentials.secretAccessKey, ...(s.credentials.sessionToken ? [s.credentials.sessionToken] : [])] : [];
  const c = s.credential;
  if (c.type === "key") return [c.key];
  if (c.type === "sas") return [c.token];
  const k = /AccountKey=([^;]+)/i.exec(c.value)?.[1];
  const sig = /SharedAccessSignature=([^;]+)/i.exec(c.value)?.[1];
  return [c.value, ...(k ? [k] : []), ...(sig ? [sig] : [])];
}
