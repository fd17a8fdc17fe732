/**
 * Session configuration. Keys are Spark's (`spark.sql.session.timeZone`); `sluice.` is accepted as
 * a synonym for `spark.` so both spellings reach the same entry. Values are kept as strings.
 */
import { noteOption } from "../common/redaction.js";
import { availableParallelism } from "node:os";
import { parseByteSize } from "../common/byte-size.js";
import { configError } from "../common/errors.js";
import { setSessionHadoopConf } from "../fs/file-systems.js";
import { ALERT_METRICS, alertConfKey, parseThreshold } from "../streaming/progress/alert-monitor.js";

interface Entry {
  readonly default: () => string;
  readonly validate?: (v: string) => string | undefined;
  readonly doc: string;
}

let localTimeZone: string | undefined;
const bool = (v: string): string | undefined => (v === "true" || v === "false" ? undefined : "expected true or false");
const nonNegInt = (v: string): string | undefined => (/^(0|[1-9]\d*)$/.test(v) ? undefined : "expected a non-negative integer");
const port = (v: string): string | undefined => (/^\d+$/.test(v) && Number(v) <= 65535 ? undefined : "expected a port number from 0 to 65535");
const posInt = (v: string): string | undefined => (/^[1-9]\d*$/.test(v) ? undefined : "expected a positive integer");

function validTimeZone(v: string): string | undefined {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: v });
    return undefined;
  } catch {
    return "expected an IANA time zone such as UTC or America/Los_Angeles";
  }
}

/** Entries Sluice reads; any other key is stored and returned as given (as Spark does). */
export const CONFIG_ENTRIES: Readonly<Record<string, Entry>> = {
  "spark.sql.session.timeZone": {
    default: () => (localTimeZone ??= Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"),
    validate: validTimeZone,
    doc: "Time zone for timestamp parsing, formatting and date functions (default: the local zone, as Spark).",
  },
  "spark.sql.ansi.enabled": { default: () => "true", validate: bool, doc: "ANSI SQL mode (on by default, as in Spark 4)." },
  "spark.sql.timestampType": {
    default: () => "TIMESTAMP_LTZ",
    // Spark's check, case-insensitive (the value is kept as given): SQLConf.TIMESTAMP_TYPE
    validate: (v) => (["TIMESTAMP_LTZ", "TIMESTAMP_NTZ"].includes(v.toUpperCase()) ? undefined : `The value of spark.sql.timestampType should be one of TIMESTAMP_LTZ, TIMESTAMP_NTZ, but was ${v.toUpperCase()}`),
    doc: "The type the bare name TIMESTAMP stands for (in DDL, CAST and literals), and of to_timestamp, make_timestamp and timestamp inference in CSV/JSON: TIMESTAMP_LTZ (default) or TIMESTAMP_NTZ.",
  },
  "spark.sql.caseSensitive": { default: () => "false", validate: bool, doc: "Case-sensitive name resolution." },
  "spark.sql.decimalOperations.allowPrecisionLoss": {
    default: () => "true",
    validate: bool,
    doc: "Decimal + - * / % past 38 digits round away fraction digits (true, Spark's default) or overflow to null / an error (false).",
  },
  "spark.sql.shuffle.partitions": {
    // Pinned in the checkpoint at its first batch (a restart keeps it), so the default must not
    // follow the cores of the machine that starts the query: 32 lets a checkpoint begun on a 2-core
    // laptop use every core of a 32-core server after a restart, while each batch writes one state
    // file per partition, not Spark's 200 (docs/parallelism.md).
    default: () => "32",
    validate: posInt,
    doc: "Partitions of every stateful operator's keys and state stores (state/<operator>/<partition>/); pinned in the checkpoint.",
  },
  "spark.master": {
    default: () => "local[*]",
    validate: (v) => (parseMaster(v) === undefined ? "expected local, local[N] or local[*] (a cluster is reached with remote(\"sc://...\"))" : undefined),
    doc: "local[N]: N worker threads run a batch's partitions (local: 1, local[*]: every core, the default).",
  },
  "spark.sql.streaming.multipleWatermarkPolicy": {
    default: () => "min",
    validate: (v) => (["min", "max"].includes(v.toLowerCase()) ? undefined : "Invalid value for 'spark.sql.streaming.multipleWatermarkPolicy'. Valid values are 'min' and 'max'"),
    doc: "How the global watermark combines several inputs' watermarks: min (default) or max.",
  },
  "spark.sql.files.ignoreMissingFiles": { default: () => "false", validate: bool, doc: "Default of the file readers' ignoreMissingFiles option: skip listed files deleted before they are read." },
  "spark.sql.files.ignoreCorruptFiles": { default: () => "false", validate: bool, doc: "Default of the file readers' ignoreCorruptFiles option: skip the rest of a file that cannot be read." },
  "spark.ui.enabled": { default: () => "true", validate: bool, doc: "Serve the web UI (src/ui) while the session runs (docs/ui.md)." },
  "spark.ui.port": { default: () => "4040", validate: port, doc: "The web UI's port; when taken, the next ones up to spark.port.maxRetries more are tried (0: any free port)." },
  "spark.driver.bindAddress": { default: () => "127.0.0.1", doc: "The address the web UI listens on (Spark listens on every interface; Sluice on loopback unless told)." },
  "spark.port.maxRetries": { default: () => "16", validate: nonNegInt, doc: "How many ports after spark.ui.port to try." },
  "spark.ui.prometheus.enabled": { default: () => "false", validate: bool, doc: "Serve Prometheus metrics of every query at /metrics on the web UI's port." },
  "spark.sql.streaming.ui.retainedQueries": { default: () => "100", validate: nonNegInt, doc: "Finished queries the web UI keeps." },
  "spark.sql.streaming.ui.retainedProgressUpdates": { default: () => "100", validate: posInt, doc: "Progress reports per query the web UI keeps (and charts)." },
  "sluice.streaming.stateStore.keyFormat": {
    default: () => "binary",
    validate: (v) => (v === "binary" || v === "json" ? undefined : "expected binary or json"),
    doc: "How aggregation and deduplication encode state keys: binary (typed bytes built from the key columns) or json (the form before binary keys); pinned in the checkpoint.",
  },
  "spark.sql.streaming.stateStore.compression.codec": {
    default: () => "gzip",
    validate: (v) =>
      v === "gzip" || v === "none" ? undefined : `expected gzip or none (Sluice compresses state files with Node's zlib; Spark's lz4, lzf, snappy and zstd are not available in Node 20)`,
    doc: "How delta and snapshot state files are written: gzip (default) or none; files of either kind are read. Pinned in the checkpoint.",
  },
  "sluice.streaming.eventLog.enabled": { default: () => "false", validate: bool, doc: "Log each query run's listener events beside its checkpoint (_events/<runId>.jsonl) for `sluice ui CHECKPOINT_DIR`." },
  ...Object.fromEntries(
    ALERT_METRICS.map((m) => [
      alertConfKey(m),
      {
        default: () => "",
        validate: (v: string) => {
          const t = parseThreshold(m, v);
          return typeof t === "string" ? t : undefined;
        },
        doc: `Alert when a batch's ${m} exceeds this (unset: no alert; see streaming/progress/alert-monitor.ts).`,
      },
    ]),
  ),
  "spark.sql.autoBroadcastJoinThreshold": {
    default: () => "10485760",
    validate: (v: string) => {
      const b = parseByteSize(v);
      return typeof b === "string" ? b : undefined;
    },
    doc: "Largest build side (bytes, or a size such as 10MB; -1: never) of an inner, left outer, left semi or left anti join that is broadcast to the local[N] workers, which probe the other side's scan pieces.",
  },
  "sluice.execution.batchSize": { default: () => "65536", validate: posInt, doc: "Rows per columnar batch." },
  "sluice.execution.parallelScan.minBytes": {
    default: () => String(8 * 1024 * 1024),
    validate: nonNegInt,
    doc: "Input size (listed file bytes, or about 8 bytes a value in memory) below which a batch aggregate, scan or sort runs on one thread under local[N].",
  },
  "sluice.execution.parallelScan.pieceBytes": { default: () => String(16 * 1024 * 1024), validate: posInt, doc: "Size of the pieces a batch scan is cut into for the local[N] workers (files, JSON byte ranges, Parquet row groups, in-memory rows)." },
  "sluice.files.parallelRead.threads": {
    // Measured on 2 cores (bench/): 2 workers beat 1 on every JSON case, the main thread being mostly idle while they parse.
    default: () => String(Math.min(2, availableParallelism())),
    validate: nonNegInt,
    doc: "Worker threads decoding JSON/CSV files beside the query (0 reads in-process; default: 2, or 1 on a single core).",
  },
  "sluice.files.parallelRead.minBytes": { default: () => String(32 * 1024 * 1024), validate: nonNegInt, doc: "Total bytes of the files a scan lists below which they are read in-process." },
};

/** The worker threads `spark.master` asks for (local = 1, local[*] = every core), or undefined if it is not a local master. */
export function parseMaster(master: string): number | undefined {
  const m = /^local(?:\[(\*|[1-9]\d*)\])?$/.exec(master.trim());
  if (!m) return undefined;
  return m[1] === undefined ? 1 : m[1] === "*" ? availableParallelism() : Number(m[1]);
}

/**
 * The worker threads for work whose every row crosses between threads: a streaming query's
 * partitioned state, and a batch query's broadcast hash joins and partitioned windows. local[N]
 * as asked, but the default local[*] keeps that work on the main thread on a machine of 2 cores
 * or fewer. Measured there (docs/parallelism.md): 2 state workers were slower than none
 * (bench/run.sh stream-window-count and stream-dedup) — the 2 cores are already busy with the
 * main thread and the JSON reader threads, and the workers add the transfer of each batch's
 * columns, a second key encoding and more garbage collection, without a free core to run on —
 * and a broadcast join or a partitioned window ran at 0.8× of one thread over in-memory rows
 * and 1.0× over a Parquet file (bench/parallel-join-window-bench.ts). Scans, sorts and
 * aggregates, which send back only their results, keep every core.
 */
export function exchangeThreads(master: string): number {
  const threads = parseMaster(master) ?? 1;
  return master.trim() === "local[*]" && threads <= 2 ? 1 : threads;
}

const canonical = (key: string): string => (key.startsWith("sluice.") && !(key in CONFIG_ENTRIES) ? "spark." + key.slice(7) : key);

/** What `spark.conf` returns: `get`, `set`, `unset` and `getAll` of the session's `spark.*` settings, checked by name and value. */
export class RuntimeConfig {
  readonly #values = new Map<string, string>();

  constructor(initial: Readonly<Record<string, string>> = {}) {
    for (const [k, v] of Object.entries(initial)) this.set(k, v);
  }

  set(key: string, value: string | number | boolean): void {
    const k = canonical(key);
    const v = noteOption(k, String(value));
    const problem = CONFIG_ENTRIES[k]?.validate?.(v);
    if (problem) throw configError("INVALID_CONF_VALUE", `Invalid value '${v}' for ${key}: ${problem}`, { key, value: v });
    this.#values.set(k, v);
    // spark.hadoop.fs.s3a.* / fs.azure.*: the object stores' settings (src/fs/object-store-conf.ts)
    if (k.startsWith("spark.hadoop.")) setSessionHadoopConf(k, v);
  }

  get(key: string, fallback?: string): string | undefined {
    const k = canonical(key);
    return this.#values.get(k) ?? fallback ?? CONFIG_ENTRIES[k]?.default();
  }

  getBoolean(key: string): boolean {
    return this.get(key) === "true";
  }

  getNumber(key: string): number {
    return Number(this.get(key));
  }

  unset(key: string): void {
    this.#values.delete(canonical(key));
    setSessionHadoopConf(canonical(key), undefined);
  }

  getAll(): Record<string, string> {
    return Object.fromEntries(this.#values);
  }
}
