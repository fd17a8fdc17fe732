/**
 * Option maps of the file formats, with Spark's names and defaults. Keys match case-insensitively.
 * Parsing collects every problem and throws one `INVALID_OPTION` config error listing them all.
 * Unknown keys are ignored as Spark ignores them, except near-misses of a known key (edit distance
 * ≤ 2, e.g. `heder`), which are rejected with the suggestion: a silent typo changes results.
 */
import { configError, editDistance } from "../../common/errors.js";

export type ParseMode = "PERMISSIVE" | "DROPMALFORMED" | "FAILFAST";
export type FileFormat = "json" | "csv" | "parquet" | "text";

/** Options every file source or sink understands (or that the streaming layer reads). */
const COMMON_KEYS = [
  "path",
  "paths",
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
  "codec",
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

  problem(key: string, value: string, expected: string): void {
    this.#problems.push(`${key}=${JSON.stringify(value)} (expected ${expected})`);
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

  /** encoding/charset: Sluice reads and writes UTF-8 only. */
  utf8Only(): void {
    for (const key of ["encoding", "charset"]) {
      const v = this.raw(key);
      if (v !== undefined && !/^utf-?8$/i.test(v.trim())) this.problem(key, v, "UTF-8 (the only encoding Sluice supports)");
    }
  }

  /** Throw one INVALID_OPTION error naming every bad key, including near-miss typos. */
  finish(): void {
    const typos: string[] = [];
    for (const [lower, { key }] of this.#raw) {
      if (this.#known.has(lower) || lower.length < 4) continue;
      let best: string | undefined;
      let bestD = 3;
      for (const k of this.#known) {
        const d = editDistance(lower, k);
        if (d < bestD) (bestD = d), (best = k);
      }
      if (best !== undefined) typos.push(`${key} (unknown option; did you mean ${this.#knownNames.get(best)}?)`);
    }
    const all = [...this.#problems, ...typos];
    if (all.length > 0) {
      throw configError("INVALID_OPTION", `Invalid ${this.format} options: ${all.join("; ")}`, { format: this.format, options: all.join("; ") });
    }
  }
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
  readonly dateFormat?: string;
  readonly allowComments: boolean;
  readonly allowSingleQuotes: boolean;
  readonly primitivesAsString: boolean;
  readonly prefersDecimal: boolean;
  readonly inferTimestamp: boolean;
  readonly dropFieldIfAllNull: boolean;
  readonly lineSep?: string;
}

export function parseJsonReadOptions(raw: Readonly<Record<string, string>>): JsonReadOptions {
  const o = new OptionReader("json", raw, ["allowUnquotedFieldNames", "allowNumericLeadingZeros", "allowBackslashEscapingAnyCharacter", "allowNonNumericNumbers", "allowUnquotedControlChars", "ignoreNullFields", "timestampNTZFormat", "enableDateTimeParsingFallback"]);
  o.utf8Only();
  const r: JsonReadOptions = {
    multiLine: o.bool("multiLine", false),
    mode: o.mode(),
    columnNameOfCorruptRecord: o.str("columnNameOfCorruptRecord", "_corrupt_record"),
    ...optional("timestampFormat", o.optStr("timestampFormat")),
    ...optional("dateFormat", o.optStr("dateFormat")),
    allowComments: o.bool("allowComments", false),
    allowSingleQuotes: o.bool("allowSingleQuotes", true),
    primitivesAsString: o.bool("primitivesAsString", false),
    prefersDecimal: o.bool("prefersDecimal", false),
    inferTimestamp: o.bool("inferTimestamp", false),
    dropFieldIfAllNull: o.bool("dropFieldIfAllNull", false),
    ...optional("lineSep", lineSepOption(o)),
  };
  o.finish();
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
  readonly dateFormat?: string;
  readonly preferDate: boolean;
  readonly mode: ParseMode;
  readonly columnNameOfCorruptRecord: string;
  readonly ignoreLeadingWhiteSpace: boolean;
  readonly ignoreTrailingWhiteSpace: boolean;
  readonly multiLine: boolean;
  readonly lineSep?: string;
  readonly enforceSchema: boolean;
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

export function parseCsvReadOptions(raw: Readonly<Record<string, string>>): CsvReadOptions {
  const o = new OptionReader("csv", raw, ["quoteAll", "escapeQuotes", "charToEscapeQuoteEscaping", "maxColumns", "maxCharsPerColumn", "unescapedQuoteHandling", "timestampNTZFormat", "enableDateTimeParsingFallback"]);
  o.utf8Only();
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
    ...optional("dateFormat", o.optStr("dateFormat")),
    preferDate: o.bool("preferDate", true),
    mode: o.mode(),
    columnNameOfCorruptRecord: o.str("columnNameOfCorruptRecord", "_corrupt_record"),
    ignoreLeadingWhiteSpace: o.bool("ignoreLeadingWhiteSpace", false),
    ignoreTrailingWhiteSpace: o.bool("ignoreTrailingWhiteSpace", false),
    multiLine: o.bool("multiLine", false),
    ...optional("lineSep", lineSepOption(o)),
    enforceSchema: o.bool("enforceSchema", true),
  };
  if (r.lineSep !== undefined && r.lineSep.length > 2) o.problem("lineSep", r.lineSep, "at most 2 characters for CSV");
  o.finish();
  return r;
}

export interface TextReadOptions {
  readonly wholetext: boolean;
  readonly lineSep?: string;
}

export function parseTextReadOptions(raw: Readonly<Record<string, string>>): TextReadOptions {
  const o = new OptionReader("text", raw);
  o.utf8Only();
  const r = { wholetext: o.bool("wholetext", false), ...optional("lineSep", lineSepOption(o)) };
  o.finish();
  return r;
}

export interface ParquetReadOptions {
  readonly mergeSchema: boolean;
}

export function parseParquetReadOptions(raw: Readonly<Record<string, string>>): ParquetReadOptions {
  const o = new OptionReader("parquet", raw, ["datetimeRebaseMode", "int96RebaseMode"]);
  const r = { mergeSchema: o.bool("mergeSchema", false) };
  o.finish();
  return r;
}

/** Validate the read options of any file format (used at DataFrame creation). */
export function parseReadOptions(format: FileFormat, raw: Readonly<Record<string, string>>): JsonReadOptions | CsvReadOptions | TextReadOptions | ParquetReadOptions {
  switch (format) {
    case "json":
      return parseJsonReadOptions(raw);
    case "csv":
      return parseCsvReadOptions(raw);
    case "text":
      return parseTextReadOptions(raw);
    case "parquet":
      return parseParquetReadOptions(raw);
  }
}

export function optional<K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: V };
}
