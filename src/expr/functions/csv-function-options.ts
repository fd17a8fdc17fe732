/**
 * The options map of from_csv and schema_of_csv (keys case-insensitive, as Spark's CSVOptions).
 * Spark ignores keys it does not know and options of file reading; Sluice refuses them, naming
 * each, so a misspelt option never silently does nothing. DROPMALFORMED is PARSE_MODE_UNSUPPORTED,
 * as in Spark.
 */
import { analysisError } from "../../common/errors.js";
import { getTimeZone } from "../datetime/time-zone.js";
import type { CsvTokenizerOptions } from "./csv-tokenizer.js";
import type { CsvNumberTexts } from "./csv-values.js";

export interface CsvFunctionOptions extends CsvNumberTexts {
  readonly tokenizer: CsvTokenizerOptions;
  readonly nullValue: string;
  readonly failFast: boolean;
  readonly corruptName: string;
  readonly preferDate: boolean;
  readonly timestampFormat?: string;
  readonly timestampNTZFormat?: string;
  readonly dateFormat?: string;
  readonly timeZone?: string;
}

const CHARS = new Set(["quote", "escape", "comment"]);
const BOOLS: Record<string, boolean> = { ignoreleadingwhitespace: false, ignoretrailingwhitespace: false, preferdate: true };
const TEXTS = new Set(["sep", "delimiter", "nullvalue", "emptyvalue", "nanvalue", "positiveinf", "negativeinf", "timestampformat", "timestampntzformat", "dateformat", "timezone", "mode", "columnnameofcorruptrecord"]);
/** Options of reading or writing CSV files, which do nothing in Spark's from_csv / schema_of_csv. */
const FILE_ONLY = new Set(["header", "inferschema", "enforceschema", "multiline", "linesep", "encoding", "charset", "samplingratio", "maxcolumns", "maxcharspercolumn", "quoteall", "escapequotes", "compression"]);

/** Parse the options of `fn` (from_csv or schema_of_csv); throws naming every bad key. */
export function parseCsvFunctionOptions(fn: string, raw: ReadonlyMap<string, string>): CsvFunctionOptions {
  const problems: string[] = [];
  const v = new Map<string, string>();
  const bools: Record<string, boolean> = { ...BOOLS };
  for (const [key, value] of raw) {
    const k = key.toLowerCase();
    if (CHARS.has(k)) {
      if (value.length > 1) problems.push(`'${key}' must be a single character, not '${value}'`);
      else v.set(k, value);
    } else if (k in BOOLS) {
      if (!/^(true|false)$/i.test(value)) problems.push(`'${key}' must be true or false, not '${value}'`);
      else bools[k] = value.toLowerCase() === "true";
    } else if (TEXTS.has(k)) v.set(k, value);
    else if (FILE_ONLY.has(k)) problems.push(`'${key}' applies to CSV files, not to ${fn}`);
    else problems.push(`'${key}' is not a ${fn} option`);
  }
  const sep = v.get("sep") ?? v.get("delimiter") ?? ",";
  if (sep === "") problems.push("'sep' must not be empty");
  const mode = (v.get("mode") ?? "PERMISSIVE").toUpperCase();
  if (mode === "DROPMALFORMED") {
    throw analysisError("PARSE_MODE_UNSUPPORTED", `The function \`${fn}\` doesn't support the DROPMALFORMED mode. Acceptable modes are PERMISSIVE and FAILFAST.`, { option: "mode" });
  }
  if (mode !== "PERMISSIVE" && mode !== "FAILFAST") problems.push(`'mode' must be PERMISSIVE or FAILFAST, not '${v.get("mode")}'`);
  if (problems.length > 0) throw analysisError("INVALID_OPTION", `${fn}: ${problems.join("; ")}.`, { option: [...raw.keys()].join(",") });
  const timeZone = v.get("timezone");
  if (timeZone !== undefined) getTimeZone(timeZone); // an unknown zone fails here, naming it
  const opt = (name: string, k: string) => (v.has(k) ? { [name]: v.get(k)! } : {});
  return {
    tokenizer: {
      sep: sep === "\\t" ? "\t" : sep,
      quote: v.get("quote") ?? '"',
      escape: v.get("escape") ?? "\\",
      comment: v.get("comment") ?? "",
      multiLine: false,
      ignoreLeadingWhiteSpace: bools.ignoreleadingwhitespace!,
      ignoreTrailingWhiteSpace: bools.ignoretrailingwhitespace!,
      emptyValue: v.get("emptyvalue") ?? "",
    },
    nullValue: v.get("nullvalue") ?? "",
    nanValue: v.get("nanvalue") ?? "NaN",
    positiveInf: v.get("positiveinf") ?? "Inf",
    negativeInf: v.get("negativeinf") ?? "-Inf",
    failFast: mode === "FAILFAST",
    corruptName: v.get("columnnameofcorruptrecord") ?? "_corrupt_record",
    preferDate: bools.preferdate!,
    ...opt("timestampFormat", "timestampformat"),
    ...opt("timestampNTZFormat", "timestampntzformat"),
    ...opt("dateFormat", "dateformat"),
    ...opt("timeZone", "timezone"),
  };
}

export interface ToCsvOptions {
  readonly sep: string;
  readonly quote: string;
  readonly escape: string;
  readonly nullValue: string;
  readonly quoteAll: boolean;
  readonly timestampFormat: string;
  readonly timestampNTZFormat: string;
  readonly dateFormat: string;
  readonly timeZone?: string;
}

const WRITE_KEYS = new Set(["sep", "delimiter", "quote", "escape", "nullvalue", "quoteall", "timestampformat", "timestampntzformat", "dateformat", "timezone"]);

/** The options of to_csv (Spark's CSV write options that apply to one record); others are refused by name. */
export function parseToCsvOptions(raw: ReadonlyMap<string, string>): ToCsvOptions {
  const v = new Map<string, string>();
  const problems: string[] = [];
  for (const [key, value] of raw) {
    const k = key.toLowerCase();
    if (!WRITE_KEYS.has(k)) problems.push(`'${key}' is not a to_csv option`);
    else if ((k === "quote" || k === "escape") && value.length > 1) problems.push(`'${key}' must be a single character, not '${value}'`);
    else if (k === "quoteall" && !/^(true|false)$/i.test(value)) problems.push(`'${key}' must be true or false, not '${value}'`);
    else v.set(k, value);
  }
  const sep = v.get("sep") ?? v.get("delimiter") ?? ",";
  if (sep === "") problems.push("'sep' must not be empty");
  if (problems.length > 0) throw analysisError("INVALID_OPTION", `to_csv: ${problems.join("; ")}.`, { option: [...raw.keys()].join(",") });
  const timeZone = v.get("timezone");
  if (timeZone !== undefined) getTimeZone(timeZone);
  return {
    sep: sep === "\\t" ? "\t" : sep,
    quote: v.get("quote") ?? '"',
    escape: v.get("escape") ?? "\\",
    nullValue: v.get("nullvalue") ?? "",
    quoteAll: v.get("quoteall")?.toLowerCase() === "true",
    timestampFormat: v.get("timestampformat") ?? "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
    timestampNTZFormat: v.get("timestampntzformat") ?? "yyyy-MM-dd'T'HH:mm:ss.SSS",
    dateFormat: v.get("dateformat") ?? "yyyy-MM-dd",
    ...(timeZone !== undefined ? { timeZone } : {}),
  };
}
