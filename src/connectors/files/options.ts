/**
 * Option maps of the file formats, with Spark's names and defaults. Keys match case-insensitively.
 * Parsing collects every problem and throws one `INVALID_OPTION` config error listing them all.
 * Every key Sluice accepts does something (or is one Spark itself ignores in that place, such as
 * `maxFilesPerTrigger` on a batch read); any other key is an error naming it, with the closest
 * known key when one is near (edit distance ≤ 2, e.g. `heder` → `header`).
 *
 * Echo rule: an error quotes a value only for options with a closed domain (booleans, numbers,
 * enumerations, characters, separators, timestamps), cut to 64 characters; values of unknown
 * keys are never quoted, since a misspelt key may carry a secret.
 */
import { configError, editDistance } from "../../common/errors.js";
import { fileSystemOptionKeys } from "../../fs/file-systems.js";
import { getTimeZone } from "../../expr/datetime/time-zone.js";
import { parseTimestampLenient } from "./datetime-text.js";

export type ParseMode = "PERMISSIVE" | "DROPMALFORMED" | "FAILFAST";
export type FileFormat = "json" | "csv" | "parquet" | "text";

/**
 * Options every file source or sink accepts: listing and tolerance options (file-listing.ts,
 * tolerant-read.ts), the streaming source's (file-stream-source.ts) and the query's
 * (checkpointLocation, queryName), which Spark ignores on a batch read, and write options Spark
 * ignores on a read (compression, maxRecordsPerFile). Options that only make sense for some
 * formats or modes are checked where they apply (`checkReadOptionPlace`).
 */
const COMMON_KEYS = [
  "path",
  "basePath",
  "pathGlobFilter",
  "recursiveFileLookup",
  "modifiedBefore",
  "modifiedAfter",
  "ignoreCorruptFiles",
  "ignoreMissingFiles",
  "timeZone",
  "locale",
  "compression",
  "encoding",
  "charset",
  "samplingRatio",
  "maxRecordsPerFile",
  "maxFilesPerTrigger",
  "maxBytesPerTrigger",
  "latestFirst",
  "maxFileAge",
  "cleanSource",
  "sourceArchiveDir",
  "fileNameOnly",
  "checkpointLocation",
  "queryName",
  "mergeSchema",
  "lineSep",
];

/** Reads typed options from a raw map; records problems instead of throwing at the first one. */
export class OptionReader {
  readonly #raw = new Map<string, { key: string; value: string }>();
  readonly #known = new Set<string>(COMMON_KEYS.map((k) => k.toLowerCase()));
  readonly #knownNames = new Map<string, string>(COMMON_KEYS.map((k) => [k.toLowerCase(), k]));
  readonly #problems: string[] = [];

  constructor(
    readonly format: string,
    raw: Readonly<Record<string, string>>,
    extraKnown: readonly string[] = [],
  ) {
    for (const [key, value] of Object.entries(raw)) this.#raw.set(key.toLowerCase(), { key, value: String(value) });
    for (const k of extraKnown) this.know(k);
  }

  private know(key: string): void {
    this.#known.add(key.toLowerCase());
    this.#knownNames.set(key.toLowerCase(), key);
  }

  /** The raw value of `key`, or undefined. */
  raw(key: string): string | undefined {
    this.know(key);
    return this.#raw.get(key.toLowerCase())?.value;
  }

  /** Record a bad value of a closed-domain option (the value is quoted, cut to 64 characters). */
  problem(key: string, value: string, expected: string): void {
    const shown = value.length > 64 ? `${value.slice(0, 64)}…` : value;
    this.#problems.push(`${key}=${JSON.stringify(shown)} (expected ${expected})`);
  }

  /** Record a problem with `key` that does not quote its value. */
  refuse(key: string, why: string): void {
    this.#problems.push(`${key} (${why})`);
  }

  /**
   * An option Sluice implements only at Spark's default `def` (its parser behaves that way): any
   * other value, which would change results in Spark, is refused.
   */
  onlyDefault(key: string, def: string): void {
    const v = this.raw(key);
    if (v !== undefined && v.trim().toLowerCase() !== def) this.problem(key, v, `${def}: Sluice's parser supports only Spark's default`);
  }

  /** Whether the user gave `key` (any case). */
  has(key: string): boolean {
    return this.#raw.has(key.toLowerCase());
  }

  str(key: string, def: string): string {
    return this.raw(key) ?? def;
  }

  optStr(key: string): string | undefined {
    return this.raw(key);
  }

  bool(key: string, def: boolean): boolean {
    const v = this.raw(key);
    if (v === undefined) return def;
    const l = v.trim().toLowerCase();
    if (l === "true") return true;
    if (l === "false") return false;
    this.problem(key, v, "true or false");
    return def;
  }

  oneOf<T extends string>(key: string, values: readonly T[], def: T, aliases: Readonly<Record<string, T>> = {}): T {
    const v = this.raw(key);
    if (v === undefined) return def;
    const hit = values.find((x) => x.toLowerCase() === v.trim().toLowerCase()) ?? aliases[v.trim().toLowerCase()];
    if (hit !== undefined) return hit;
    this.problem(key, v, `one of ${[...values, ...Object.keys(aliases)].join(", ")}`);
    return def;
  }

  /** A single character (Spark's quote, escape, comment); `\u0000` or "" disables when allowed. */
  char(key: string, def: string, opts: { allowEmpty?: boolean } = {}): string {
    const v = this.raw(key);
    if (v === undefined) return def;
    if (v === "" && opts.allowEmpty) return "";
    if (v === "\\u0000" && opts.allowEmpty) return "";
    if (v.length === 1) return v;
    if (v === "\\t") return "\t";
    this.problem(key, v, opts.allowEmpty ? "a single character, or an empty string to disable it" : "a single character");
    return def;
  }

  int(key: string, def: number, min = 1): number {
    const v = this.raw(key);
    if (v === undefined) return def;
    const n = Number(v);
    if (Number.isInteger(n) && n >= min) return n;
    this.problem(key, v, `an integer ≥ ${min}`);
    return def;
  }

  mode(): ParseMode {
    return this.oneOf("mode", ["PERMISSIVE", "DROPMALFORMED", "FAILFAST"] as const, "PERMISSIVE");
  }

  /**
   * `locale` (Spark's default en-US, used for month and day names) and `samplingRatio` (schema
   * inference over a sample): Sluice parses with en-US names and infers from every record, so
   * other values, which change results in Spark, are refused.
   */
  private checkLocaleAndSampling(): void {
    const locale = this.#raw.get("locale")?.value;
    if (locale !== undefined && !/^en([-_]US)?$/i.test(locale.trim())) this.problem("locale", locale, "en-US (the only locale Sluice parses and formats dates with)");
    const ratio = this.#raw.get("samplingratio")?.value;
    if (ratio !== undefined && Number(ratio) !== 1) this.problem("samplingRatio", ratio, "1.0: Sluice infers schemas from every record; give a schema with .schema(...) to skip inference");
  }

  /** encoding/charset: Sluice reads and writes UTF-8 only. */
  utf8Only(): void {
    for (const key of ["encoding", "charset"]) {
      const v = this.raw(key);
      if (v !== undefined && !/^utf-?8$/i.test(v.trim())) this.problem(key, v, "UTF-8 (the only encoding Sluice supports)");
    }
  }

  /**
   * Throw one INVALID_OPTION error naming every bad key, unknown keys included (values unquoted).
   * fs.s3a.* / fs.azure.* keys are the file system's (src/fs), which refuses those it lacks.
   */
  finish(): void {
    const typos: string[] = [];
    const fsKeys = new Set(fileSystemOptionKeys(Object.fromEntries([...this.#raw.values()].map(({ key, value }) => [key, value]))));
    for (const [lower, { key }] of this.#raw) {
      if (this.#known.has(lower) || fsKeys.has(key)) continue;
      let best: string | undefined;
      let bestD = 3;
      for (const k of this.#known) {
        const d = editDistance(lower, k);
        if (d < bestD) (bestD = d), (best = k);
      }
      const hint = UNSUPPORTED_HINTS[lower] ?? (best !== undefined ? `did you mean ${this.#knownNames.get(best)}?` : "not an option of this source or sink");
      typos.push(`${key} (unknown option; ${hint})`);
    }
    this.checkLocaleAndSampling();
    const all = [...this.#problems, ...typos];
    if (all.length > 0) {
      throw configError("INVALID_OPTION", `Invalid ${this.format} options: ${all.join("; ")}`, { format: this.format, options: all.join("; ") });
    }
  }
}

/** Keys Sluice does not take although Spark does, with what to use instead. */
const UNSUPPORTED_HINTS: Readonly<Record<string, string>> = {
  codec: "Sluice does not take Spark's `codec` alias; use compression",
  paths: "pass the paths to load(...)",
};

/** How files are found and which problems while reading them are tolerated (Spark's generic file source options). */
export interface FileListingOptions {
  readonly basePath?: string;
  /** A glob on file names (not folders), e.g. `*.json` or `part-{0,1}*`. */
  readonly pathGlobFilter?: string;
  /** Walk folders without inferring partition columns from `col=value` names. */
  readonly recursiveFileLookup: boolean;
  /** Keep only files whose modification time is before / after this instant (epoch µs, compared as Spark does). */
  readonly modifiedBeforeUs?: number;
  readonly modifiedAfterUs?: number;
  readonly timeZone: string;
  /** Skip files deleted after listing instead of failing. */
  readonly ignoreMissingFiles: boolean;
  /** Skip the rest of a file that cannot be read (truncated or not of the format) instead of failing. */
  readonly ignoreCorruptFiles: boolean;
}

/** Whether a file read tolerates missing or corrupt files (the `ignore*Files` options). */
export type ReadTolerance = Pick<FileListingOptions, "ignoreMissingFiles" | "ignoreCorruptFiles">;

/** `modifiedBefore`/`modifiedAfter`: a timestamp such as 2021-01-01T00:00:00 in the `timeZone` option's zone (else `sessionTimeZone`). */
function modifiedOption(o: OptionReader, key: string, streaming: boolean, timeZone: string): number | undefined {
  const v = o.raw(key);
  if (v === undefined) return undefined;
  // Spark 4.0.1 refuses these options on streaming file sources (test/file-options/expected/modified-after-stream.json).
  if (streaming) return void o.refuse(key, "not allowed on a streaming file source: Spark reads every new file; filter on the file's arrival instead");
  const us = parseTimestampLenient(v.trim(), getTimeZone(timeZone));
  if (us === null) o.problem(key, v, "a timestamp such as 2021-01-01T00:00:00");
  return us ?? undefined;
}

/** The listing and tolerance options of a read, recorded on `o` (which reports their problems). */
export function fileListingOptions(o: OptionReader, opts: { streaming: boolean; sessionTimeZone: string }): FileListingOptions {
  const timeZone = o.raw("timeZone") ?? opts.sessionTimeZone;
  const basePath = o.optStr("basePath");
  const pathGlobFilter = o.optStr("pathGlobFilter");
  const before = modifiedOption(o, "modifiedBefore", opts.streaming, timeZone);
  const after = modifiedOption(o, "modifiedAfter", opts.streaming, timeZone);
  return {
    ...optional("basePath", basePath),
    ...optional("pathGlobFilter", pathGlobFilter),
    recursiveFileLookup: o.bool("recursiveFileLookup", false),
    ...optional("modifiedBeforeUs", before),
    ...optional("modifiedAfterUs", after),
    timeZone,
    ignoreMissingFiles: o.bool("ignoreMissingFiles", false),
    ignoreCorruptFiles: o.bool("ignoreCorruptFiles", false),
  };
}

/** A lineSep value: any non-empty string; undefined means "\n", "\r\n" or "\r" when reading. */
export function lineSepOption(o: OptionReader): string | undefined {
  const v = o.raw("lineSep");
  if (v === undefined) return undefined;
  if (v === "") o.problem("lineSep", v, "a non-empty string");
  return v === "" ? undefined : v;
}

export interface JsonReadOptions {
  readonly multiLine: boolean;
  readonly mode: ParseMode;
  readonly columnNameOfCorruptRecord: string;
  readonly timestampFormat?: string;
  /** How TIMESTAMP_NTZ text is read (zone-less lenient forms when absent). */
  readonly timestampNTZFormat?: string;
  readonly dateFormat?: string;
  readonly allowComments: boolean;
  readonly allowSingleQuotes: boolean;
  readonly allowNumericLeadingZeros: boolean;
  readonly allowUnquotedControlChars: boolean;
  readonly primitivesAsString: boolean;
  readonly prefersDecimal: boolean;
  readonly inferTimestamp: boolean;
  readonly dropFieldIfAllNull: boolean;
  readonly lineSep?: string;
  /** enableDateTimeParsingFallback: text a timestampFormat/dateFormat does not match is tried in the default forms. */
  readonly dateTimeParsingFallback: boolean;
}

// A write option Spark accepts on a read and ignores there.
const JSON_READ_KEYS = ["ignoreNullFields"];

export function parseJsonReadOptions(raw: Readonly<Record<string, string>>): JsonReadOptions {
  return finished(new OptionReader("json", raw, JSON_READ_KEYS), jsonReadOptions);
}

function jsonReadOptions(o: OptionReader): JsonReadOptions {
  o.utf8Only();
  o.onlyDefault("allowUnquotedFieldNames", "false");
  o.onlyDefault("allowBackslashEscapingAnyCharacter", "false");
  o.onlyDefault("allowNonNumericNumbers", "true");
  const r: JsonReadOptions = {
    multiLine: o.bool("multiLine", false),
    mode: o.mode(),
    columnNameOfCorruptRecord: o.str("columnNameOfCorruptRecord", "_corrupt_record"),
    ...optional("timestampFormat", o.optStr("timestampFormat")),
    ...optional("timestampNTZFormat", o.optStr("timestampNTZFormat")),
    ...optional("dateFormat", o.optStr("dateFormat")),
    allowComments: o.bool("allowComments", false),
    allowSingleQuotes: o.bool("allowSingleQuotes", true),
    allowNumericLeadingZeros: o.bool("allowNumericLeadingZeros", false),
    allowUnquotedControlChars: o.bool("allowUnquotedControlChars", false),
    primitivesAsString: o.bool("primitivesAsString", false),
    prefersDecimal: o.bool("prefersDecimal", false),
    inferTimestamp: o.bool("inferTimestamp", false),
    dropFieldIfAllNull: o.bool("dropFieldIfAllNull", false),
    ...optional("lineSep", lineSepOption(o)),
    dateTimeParsingFallback: o.bool("enableDateTimeParsingFallback", false),
  };
  return r;
}

export interface CsvReadOptions {
  readonly header: boolean;
  readonly sep: string;
  readonly quote: string;
  readonly escape: string;
  readonly comment: string;
  readonly inferSchema: boolean;
  readonly nullValue: string;
  readonly emptyValue: string;
  readonly nanValue: string;
  readonly positiveInf: string;
  readonly negativeInf: string;
  readonly timestampFormat?: string;
  /** How TIMESTAMP_NTZ text is read (zone-less lenient forms when absent). */
  readonly timestampNTZFormat?: string;
  readonly dateFormat?: string;
  readonly preferDate: boolean;
  readonly mode: ParseMode;
  readonly columnNameOfCorruptRecord: string;
  readonly ignoreLeadingWhiteSpace: boolean;
  readonly ignoreTrailingWhiteSpace: boolean;
  readonly multiLine: boolean;
  readonly lineSep?: string;
  readonly enforceSchema: boolean;
  /** As JsonReadOptions.dateTimeParsingFallback. */
  readonly dateTimeParsingFallback: boolean;
  /** A record with more fields fails the read (Spark's default 20480). */
  readonly maxColumns: number;
}

function sepOption(o: OptionReader): string {
  const sep = o.raw("sep");
  const delimiter = o.raw("delimiter");
  const v = sep ?? delimiter;
  if (v === undefined) return ",";
  const key = sep !== undefined ? "sep" : "delimiter";
  if (v === "") {
    o.problem(key, v, "a non-empty separator such as \",\" or \"\\t\"");
    return ",";
  }
  return v === "\\t" ? "\t" : v;
}

// Write options Spark accepts on a read and ignores there.
const CSV_READ_KEYS = ["quoteAll", "escapeQuotes", "charToEscapeQuoteEscaping"];

export function parseCsvReadOptions(raw: Readonly<Record<string, string>>): CsvReadOptions {
  return finished(new OptionReader("csv", raw, CSV_READ_KEYS), csvReadOptions);
}

function csvReadOptions(o: OptionReader): CsvReadOptions {
  o.utf8Only();
  o.onlyDefault("maxCharsPerColumn", "-1");
  const quotes = o.raw("unescapedQuoteHandling");
  if (quotes !== undefined && quotes.trim().toUpperCase() !== "STOP_AT_DELIMITER") {
    o.problem("unescapedQuoteHandling", quotes, "STOP_AT_DELIMITER, Spark's default: Sluice's CSV parser does not implement STOP_AT_CLOSING_QUOTE, BACK_TO_DELIMITER, SKIP_VALUE or RAISE_ERROR");
  }
  const r: CsvReadOptions = {
    header: o.bool("header", false),
    sep: sepOption(o),
    quote: o.char("quote", '"', { allowEmpty: true }),
    escape: o.char("escape", "\\", { allowEmpty: true }),
    comment: o.char("comment", "", { allowEmpty: true }),
    inferSchema: o.bool("inferSchema", false),
    nullValue: o.str("nullValue", ""),
    emptyValue: o.str("emptyValue", ""),
    nanValue: o.str("nanValue", "NaN"),
    positiveInf: o.str("positiveInf", "Inf"),
    negativeInf: o.str("negativeInf", "-Inf"),
    ...optional("timestampFormat", o.optStr("timestampFormat")),
    ...optional("timestampNTZFormat", o.optStr("timestampNTZFormat")),
    ...optional("dateFormat", o.optStr("dateFormat")),
    preferDate: o.bool("preferDate", true),
    mode: o.mode(),
    columnNameOfCorruptRecord: o.str("columnNameOfCorruptRecord", "_corrupt_record"),
    ignoreLeadingWhiteSpace: o.bool("ignoreLeadingWhiteSpace", false),
    ignoreTrailingWhiteSpace: o.bool("ignoreTrailingWhiteSpace", false),
    multiLine: o.bool("multiLine", false),
    ...optional("lineSep", lineSepOption(o)),
    enforceSchema: o.bool("enforceSchema", true),
    dateTimeParsingFallback: o.bool("enableDateTimeParsingFallback", false),
    maxColumns: o.int("maxColumns", 20480),
  };
  if (r.lineSep !== undefined && r.lineSep.length > 2) o.problem("lineSep", r.lineSep, "at most 2 characters for CSV");
  return r;
}

export interface TextReadOptions {
  readonly wholetext: boolean;
  readonly lineSep?: string;
}

export function parseTextReadOptions(raw: Readonly<Record<string, string>>): TextReadOptions {
  return finished(new OptionReader("text", raw), textReadOptions);
}

function textReadOptions(o: OptionReader): TextReadOptions {
  o.utf8Only();
  return { wholetext: o.bool("wholetext", false), ...optional("lineSep", lineSepOption(o)) };
}

export interface ParquetReadOptions {
  readonly mergeSchema: boolean;
}

const PARQUET_READ_KEYS = ["datetimeRebaseMode", "int96RebaseMode"];

export function parseParquetReadOptions(raw: Readonly<Record<string, string>>): ParquetReadOptions {
  return finished(new OptionReader("parquet", raw, PARQUET_READ_KEYS), parquetReadOptions);
}

const parquetReadOptions = (o: OptionReader): ParquetReadOptions => ({ mergeSchema: o.bool("mergeSchema", false) });

function finished<T>(o: OptionReader, read: (o: OptionReader) => T): T {
  const r = read(o);
  o.finish();
  return r;
}

export type FormatReadOptions = JsonReadOptions | CsvReadOptions | TextReadOptions | ParquetReadOptions;

const FORMAT_READERS: Record<FileFormat, { keys: readonly string[]; read: (o: OptionReader) => FormatReadOptions }> = {
  json: { keys: JSON_READ_KEYS, read: jsonReadOptions },
  csv: { keys: CSV_READ_KEYS, read: csvReadOptions },
  text: { keys: [], read: textReadOptions },
  parquet: { keys: PARQUET_READ_KEYS, read: parquetReadOptions },
};

/**
 * Every read option of a file source, checked at once (one INVALID_OPTION error for all the
 * problems): the format's options and the listing and tolerance options.
 */
export function parseFileReadOptions(format: FileFormat, raw: Readonly<Record<string, string>>, mode: { streaming: boolean; sessionTimeZone: string }): { format: FormatReadOptions; listing: FileListingOptions } {
  const { keys, read } = FORMAT_READERS[format];
  const o = new OptionReader(format, raw, keys);
  const listing = fileListingOptions(o, mode);
  return { listing, format: finished(o, read) };
}

export function optional<K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: V };
}
