/**
 * The one place the engine logs (docs/operations.md). Levels are Spark's `setLogLevel` names;
 * the default is WARN, as PySpark's shell. Lines go to stderr as `sluice: [warning: ]message`
 * unless the user plugs in a logger with `setLogger` (anything with console's or pino's
 * `debug/info/warn/error(message)` methods). Every message passes through the redaction of secret
 * option values (redaction.ts) first. One logger per process, as log4j's root logger is one per
 * JVM: sessions share it.
 */
import { configError } from "./errors.js";
import { redactText } from "./redaction.js";

export const LOG_LEVELS = ["ALL", "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "OFF"] as const;
/** The levels of `spark.sparkContext.setLogLevel` and `spark.log.level`, as in Spark (`ALL`, `TRACE`, `DEBUG`, `INFO`, `WARN`, `ERROR`, `FATAL`, `OFF`). */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The subset of console / pino / winston a Sluice logger needs. */
export interface Logger {
  debug?(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

type Severity = "debug" | "info" | "warn" | "error";
const RANK: Record<LogLevel, number> = { ALL: 0, TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4, FATAL: 5, OFF: 6 };
const SEVERITY_RANK: Record<Severity, number> = { debug: 1, info: 2, warn: 3, error: 4 };

const stderrLogger: Logger = {
  debug: (m) => void process.stderr.write(`sluice: debug: ${m}\n`),
  info: (m) => void process.stderr.write(`sluice: ${m}\n`),
  warn: (m) => void process.stderr.write(`sluice: warning: ${m}\n`),
  error: (m) => void process.stderr.write(`sluice: error: ${m}\n`),
};

let level: LogLevel = "WARN";
let sink: Logger = stderrLogger;
const said = new Set<string>();

/** Spark's `sparkContext.setLogLevel`: ALL, DEBUG, INFO, WARN, ERROR, FATAL, OFF (TRACE = ALL), case-insensitive. */
export function setLogLevel(name: string): void {
  const l = name.toUpperCase() as LogLevel;
  if (!LOG_LEVELS.includes(l)) {
    throw configError("INVALID_LOG_LEVEL", `Log level ${JSON.stringify(name)} is not one of ${LOG_LEVELS.join(", ")}`, { level: name });
  }
  level = l;
}

export const getLogLevel = (): LogLevel => level;

/** Route Sluice's log lines to `logger` (null: back to stderr). */
export function setLogger(logger: Logger | null): void {
  sink = logger ?? stderrLogger;
}

function emit(severity: Severity, message: string): void {
  if (SEVERITY_RANK[severity] < RANK[level]) return;
  const text = redactText(message);
  if (severity === "debug") (sink.debug ?? sink.info).call(sink, text);
  else sink[severity](text);
}

export const log = {
  debug: (message: string): void => emit("debug", message),
  info: (message: string): void => emit("info", message),
  warn: (message: string): void => emit("warn", message),
  error: (message: string): void => emit("error", message),
  /** A warning shown once per `key` in this process (e.g. per query and problem), however often it recurs. */
  warnOnce(key: string, message: string): void {
    if (said.has(key)) return;
    said.add(key);
    emit("warn", message);
  },
};
