/**
 * Parsers of command-line values for commander's `argParser`: a bad value is a usage error
 * naming the option and what it takes (`--limit abc` → "must be a non-negative integer"), exit 1.
 */
import { InvalidArgumentError } from "commander";

/** An integer >= `min`. */
export const integerArg =
  (min: number) =>
  (text: string): number => {
    if (!/^\d+$/.test(text) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
      throw new InvalidArgumentError(min === 0 ? "it must be a non-negative integer." : `it must be an integer of at least ${min}.`);
    }
    return Number(text);
  };

/** A port number 0..65535. */
export function portArg(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65535) throw new InvalidArgumentError("it must be a port number from 0 to 65535.");
  return Number(text);
}

/** Seconds, fractions allowed, more than 0. */
export function secondsArg(text: string): number {
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(n > 0)) throw new InvalidArgumentError("it must be a number of seconds greater than 0.");
  return n;
}

/** One of `values`. */
export const choiceArg =
  <T extends string>(values: readonly T[]) =>
  (text: string): T => {
    if (!(values as readonly string[]).includes(text)) throw new InvalidArgumentError(`it must be one of ${values.join(", ")}.`);
    return text as T;
  };

/** `key=value`, collected into a list (repeatable option). */
export function confArg(text: string, previous: [string, string][] = []): [string, string][] {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new InvalidArgumentError("it must be key=value, e.g. --conf spark.sql.shuffle.partitions=4.");
  return [...previous, [text.slice(0, eq).trim(), text.slice(eq + 1)]];
}

/** `--conf spark.hadoop.<key>=value` of the checkpoint tools: the file-system keys of a checkpoint on an object store. */
export function hadoopConfArg(text: string, previous: [string, string][] = []): [string, string][] {
  const all = confArg(text, previous);
  if (!all[all.length - 1]![0].startsWith("spark.hadoop.")) {
    throw new InvalidArgumentError("it must be a spark.hadoop.* setting, the keys of a checkpoint on an object store, e.g. --conf spark.hadoop.fs.s3a.endpoint=http://127.0.0.1:9000 (docs/object-stores.md).");
  }
  return all;
}

/**
 * `--conf` of the table tools (`sluice delta history`): a table's file-system keys, as read options
 * name them (`fs.s3a.endpoint=...`) or as session configs (`spark.hadoop.fs.s3a.endpoint=...`);
 * collected in the `spark.hadoop.` form.
 */
export function fileSystemConfArg(text: string, previous: [string, string][] = []): [string, string][] {
  const all = confArg(text, previous);
  const [key, value] = all[all.length - 1]!;
  const hadoop = key.startsWith("fs.") ? `spark.hadoop.${key}` : key;
  if (!hadoop.startsWith("spark.hadoop.fs.")) {
    throw new InvalidArgumentError("it must be a file-system key of the table's store, e.g. --conf fs.s3a.endpoint=http://127.0.0.1:9000 or spark.hadoop.fs.s3a.endpoint=... (docs/object-stores.md).");
  }
  return [...all.slice(0, -1), [hadoop, value]];
}
