/**
 * from_json(text, schema[, options]) with Spark 4.0's rules, decoding values exactly as the JSON
 * file reader does (json-scanner.ts, json-converter.ts: BIGINT as an exact bigint, `1.0` is not
 * an INT). Facts below were recorded on PySpark 4.0.1 (test/parity/cases/from_json).
 * 1. The schema is a STRUCT, ARRAY or MAP (DDL text); anything else is DATATYPE_MISMATCH.
 * 2. Options are checked once, every bad key reported together: `mode` PERMISSIVE (default) or
 *    FAILFAST (DROPMALFORMED is PARSE_MODE_UNSUPPORTED, as in Spark), `columnNameOfCorruptRecord`
 *    (a STRING field of the schema), `timestampFormat`, `dateFormat`, `timeZone`, and the parser
 *    switches `allowComments`, `allowSingleQuotes`, `allowNumericLeadingZeros`,
 *    `allowUnquotedControlChars`. Spark ignores unknown keys and options of file reading or
 *    inference; Sluice refuses them, and refuses switches it does not implement unless they keep
 *    their default value.
 * 3. Per row: NULL or blank text → NULL. The first JSON value is read (trailing text ignored, as
 *    Jackson does). For a STRUCT schema a non-object (array, scalar, null) is malformed; a field whose
 *    value does not fit its type becomes NULL while the others keep their values (Spark's partial
 *    results) and the row is malformed. Malformed in PERMISSIVE: the corrupt-record field gets the
 *    text (other fields NULL for unparsable text); for ARRAY and MAP schemas the result is NULL.
 *    FAILFAST raises MALFORMED_RECORD_IN_PARSING naming the record.
 */
import { analysisError, executionError } from "../../common/errors.js";
import { type DataType, simpleString, StringType, type StructField } from "../../types/data-type.js";
import { parseDataType, parseDDLSchema } from "../../types/ddl.js";
import { toDecimal } from "../../types/decimal-value.js";
import { compilePattern, parsePattern } from "../datetime/pattern.js";
import { getTimeZone } from "../datetime/time-zone.js";
import { parseDateText, parseLocalTimestampText, parseTimestampText } from "../datetime/timestamp-text.js";
import type { ArgInfo, CompiledExpr, EvalContext, ResolvedSignature } from "../function-types.js";
import type { RExpr } from "../resolved-expr.js";
import { BAD, type JsonConverter, type JsonTextParsers, exactNumbersTest, jsonConverter } from "./json-converter.js";
import { INEXACT_NUMBER, JsonNumberText, type ScanOptions, parseJsonRecord } from "./json-scanner.js";
import { checkArity, isLiteral, literalOf, mapRows, typeMismatch } from "./kernel.js";

const US_PER_DAY = 86_400_000_000;

/** Parser switches: option key (lower case) → ScanOptions field and Spark's default. */
const SWITCHES: Record<string, { field: keyof ScanOptions; dflt: boolean }> = {
  allowcomments: { field: "allowComments", dflt: false },
  allowsinglequotes: { field: "allowSingleQuotes", dflt: true },
  allownumericleadingzeros: { field: "allowNumericLeadingZeros", dflt: false },
  allowunquotedcontrolchars: { field: "allowUnquotedControlChars", dflt: false },
};
/** Spark options Sluice's parser does not implement: accepted only with the default value. */
const DEFAULT_ONLY: Record<string, string> = {
  allowunquotedfieldnames: "false",
  allowbackslashescapinganycharacter: "false",
  allownonnumericnumbers: "true",
  locale: "en-us",
};
/** Options of file reading and schema inference, which do nothing in Spark's from_json. */
const NOT_FOR_FROM_JSON = new Set(["primitivesasstring", "prefersdecimal", "samplingratio", "dropfieldifallnull", "multiline", "linesep", "encoding", "charset", "infertimestamp", "timestampntzformat", "enabledatetimeparsingfallback"]);
const VALUE_KEYS = new Set(["mode", "columnnameofcorruptrecord", "timestampformat", "dateformat", "timezone"]);

export interface FromJsonOptions {
  readonly failFast: boolean;
  readonly corruptName: string;
  readonly scan: ScanOptions;
  readonly timestampFormat?: string;
  readonly dateFormat?: string;
  readonly timeZone?: string;
}

/** The options map of from_json (keys case-insensitive, as Spark's); throws naming every bad key. */
export function parseFromJsonOptions(raw: ReadonlyMap<string, string>): FromJsonOptions {
  const problems: string[] = [];
  const scan: Record<string, boolean> = { ignoreTrailing: true };
  for (const s of Object.values(SWITCHES)) scan[s.field] = s.dflt;
  const values = new Map<string, string>();
  for (const [key, value] of raw) {
    const k = key.toLowerCase();
    const sw = SWITCHES[k];
    if (sw) {
      if (!/^(true|false)$/i.test(value)) problems.push(`'${key}' must be true or false, not '${value}'`);
      else scan[sw.field] = value.toLowerCase() === "true";
    } else if (DEFAULT_ONLY[k] !== undefined) {
      if (value.toLowerCase() !== DEFAULT_ONLY[k]) problems.push(`'${key}' = '${value}' is not supported (only '${DEFAULT_ONLY[k]}')`);
    } else if (NOT_FOR_FROM_JSON.has(k)) problems.push(`'${key}' applies to reading JSON files, not to from_json`);
    else if (VALUE_KEYS.has(k)) values.set(k, value);
    else problems.push(`'${key}' is not a from_json option`);
  }
  const mode = (values.get("mode") ?? "PERMISSIVE").toUpperCase();
  if (mode === "DROPMALFORMED") {
    throw analysisError("PARSE_MODE_UNSUPPORTED", "The function `from_json` doesn't support the DROPMALFORMED mode. Acceptable modes are PERMISSIVE and FAILFAST.", { option: "mode" });
  }
  if (mode !== "PERMISSIVE" && mode !== "FAILFAST") problems.push(`'mode' must be PERMISSIVE or FAILFAST, not '${values.get("mode")}'`);
  if (problems.length > 0) throw analysisError("INVALID_OPTION", `from_json: ${problems.join("; ")}.`, { option: [...raw.keys()].join(",") });
  const timeZone = values.get("timezone");
  if (timeZone !== undefined) getTimeZone(timeZone); // an unknown zone fails here, naming it
  const fmt = (k: string) => values.get(k);
  return {
    failFast: mode === "FAILFAST",
    corruptName: values.get("columnnameofcorruptrecord") ?? "_corrupt_record",
    scan: scan as unknown as ScanOptions,
    ...(fmt("timestampformat") !== undefined ? { timestampFormat: fmt("timestampformat")! } : {}),
    ...(fmt("dateformat") !== undefined ? { dateFormat: fmt("dateformat")! } : {}),
    ...(timeZone !== undefined ? { timeZone } : {}),
  };
}

/**
 * The options argument: a map literal, or a map(...) call of literal keys and values (how SQL
 * writes it); absent: no options. Anything else is refused, as Spark refuses a non-foldable map.
 * `undefined` while resolving a map(...) call (its value is read when compiling).
 */
export function optionsOf(e: RExpr | ArgInfo | undefined, fn = "from_json"): Map<string, string> | undefined {
  const out = new Map<string, string>();
  if (e === undefined) return out;
  const v = literalOf(e);
  if (v instanceof Map) {
    for (const [k, x] of v) out.set(String(k), String(x));
    return out;
  }
  if ("kind" in e && e.kind === "call" && e.fn.name === "map" && e.args.length % 2 === 0 && e.args.every(isLiteral)) {
    for (let i = 0; i < e.args.length; i += 2) out.set(String(literalOf(e.args[i])), String(literalOf(e.args[i + 1])));
    return out;
  }
  if (!("kind" in e) && e.type.kind === "map" && e.literal === undefined) return undefined;
  throw analysisError("INVALID_OPTIONS", `${fn} needs its options as a literal map, such as map('mode', 'FAILFAST').`);
}

function schemaOf(text: unknown, ctx: EvalContext): DataType {
  const ddl = { timestampNTZ: ctx.timestampNTZ === true };
  if (typeof text !== "string") throw analysisError("INVALID_SCHEMA", "from_json needs its schema as a literal DDL string such as 'a INT, b STRING'.");
  let t: DataType;
  try {
    t = { kind: "struct", fields: parseDDLSchema(text, ddl) };
  } catch (e) {
    try {
      t = parseDataType(text, ddl);
    } catch {
      throw e;
    }
  }
  if (t.kind !== "struct" && t.kind !== "array" && t.kind !== "map") {
    throw analysisError("DATATYPE_MISMATCH", `from_json: input schema "${simpleString(t).toUpperCase()}" must be a struct, an array or a map.`);
  }
  return t;
}

export function resolveFromJson(args: readonly ArgInfo[], ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 2, 3);
  if (!["string", "null", "binary"].includes(args[0]!.type.kind)) typeMismatch(name, 0, args[0]!.type, "STRING");
  const rt = schemaOf(literalOf(args[1]), ctx);
  const raw = optionsOf(args[2]);
  if (raw === undefined) return { argTypes: [StringType, ...args.slice(1).map((a) => a.type)], returnType: rt }; // checked when compiled
  const o = parseFromJsonOptions(raw);
  checkCorruptField(rt, o);
  return { argTypes: [StringType, ...args.slice(1).map((a) => a.type)], returnType: rt };
}

/** A corrupt-record field of the schema must be a STRING (Spark: INVALID_CORRUPT_RECORD_TYPE). */
export function checkCorruptField(rt: DataType, o: Pick<FromJsonOptions, "corruptName">): void {
  const corrupt = rt.kind === "struct" ? rt.fields.find((f) => f.name === o.corruptName) : undefined;
  if (corrupt && corrupt.type.kind !== "string") {
    throw analysisError("INVALID_CORRUPT_RECORD_TYPE", `The column \`${corrupt.name}\` for corrupt records must have the nullable STRING type, but got "${simpleString(corrupt.type).toUpperCase()}".`, { column: corrupt.name });
  }
}

/** Dates, timestamps and decimals as from_json reads them: the options' patterns, else Spark's default forms. */
export function textParsers(o: Pick<FromJsonOptions, "timeZone" | "timestampFormat" | "dateFormat">, ctx: EvalContext): JsonTextParsers {
  const zone = getTimeZone(o.timeZone ?? ctx.timeZone);
  const utc = getTimeZone("UTC");
  const ts = o.timestampFormat === undefined ? undefined : compilePattern(o.timestampFormat);
  const date = o.dateFormat === undefined ? undefined : compilePattern(o.dateFormat);
  return {
    timestamp: ts ? (s) => parsePattern(ts, s, zone) : (s) => parseTimestampText(s, zone),
    localTimestamp: parseLocalTimestampText,
    date: date ? (s) => ((us) => (us === null ? null : Math.floor(us / US_PER_DAY)))(parsePattern(date, s, utc)) : parseDateText,
    decimal: toDecimal,
    exactStringParsing: false,
  };
}

export function failFastError(text: string, why: string): Error {
  const shown = JSON.stringify(text.length > 200 ? text.slice(0, 200) + "…" : text);
  return executionError(
    "MALFORMED_RECORD_IN_PARSING",
    `Malformed records are detected in record parsing: ${shown} (${why}). Parse Mode: FAILFAST. To process malformed records as null result, try setting the option 'mode' as 'PERMISSIVE'.`,
    { record: text.slice(0, 200) },
  );
}

const isObject = (j: unknown): j is Record<string, unknown> => typeof j === "object" && j !== null && !Array.isArray(j) && !(j instanceof JsonNumberText);

/** A JSON object as a row of `fields`: a value that does not fit is NULL and named in `bad`. */
function partialStruct(fields: readonly StructField[], convs: readonly JsonConverter[], src: Record<string, unknown>): { out: Record<string, unknown>; bad?: string } {
  const out: Record<string, unknown> = {};
  let bad: string | undefined;
  for (let k = 0; k < fields.length; k++) {
    const f = fields[k]!;
    const x = src[f.name];
    const y = x === null || x === undefined ? null : convs[k]!(x);
    if (y === BAD) {
      bad ??= `cannot parse the value of field \`${f.name}\` as ${simpleString(f.type).toUpperCase()}`;
      out[f.name] = null;
    } else out[f.name] = y;
  }
  return bad === undefined ? { out } : { out, bad };
}

export function compileFromJson(args: readonly CompiledExpr[], argExprs: readonly RExpr[], rt: DataType, ctx: EvalContext): CompiledExpr {
  const o = parseFromJsonOptions(optionsOf(argExprs[2]) ?? new Map());
  checkCorruptField(rt, o);
  const parsers = textParsers(o, ctx);
  const fields: readonly StructField[] | null = rt.kind === "struct" ? rt.fields : null;
  const corrupt = fields?.some((f) => f.name === o.corruptName) ? o.corruptName : null;
  const dataFields = fields?.filter((f) => f.name !== corrupt) ?? [];
  const convs = dataFields.map((f) => jsonConverter(f.type, parsers));
  const whole = jsonConverter(rt, parsers);
  const exactNumbers = fields ? exactNumbersTest(dataFields) : INEXACT_NUMBER;
  const scan = { ...o.scan, ...(exactNumbers ? { exactNumbers } : {}) };

  /** The result for malformed text: PERMISSIVE's row (or NULL), or FAILFAST's error. */
  const malformed = (text: string, why: string, partial?: Record<string, unknown>): unknown => {
    if (o.failFast) throw failFastError(text, why);
    if (!fields) return null;
    const out: Record<string, unknown> = partial ?? Object.fromEntries(dataFields.map((f) => [f.name, null]));
    if (corrupt) out[corrupt] = text;
    return out;
  };
  const toStruct = (text: string, j: unknown): unknown => {
    if (Array.isArray(j)) return malformed(text, "a JSON array cannot be read as a STRUCT");
    if (!isObject(j)) return malformed(text, "the record is not a JSON object");
    const { out, bad } = partialStruct(dataFields, convs, j);
    if (bad !== undefined) return malformed(text, bad, out);
    if (corrupt) out[corrupt] = null;
    return out;
  };
  // An ARRAY<STRUCT> schema takes a single object as a one-element array, its fields read with
  // partial results (PySpark 4.0.1: '{"a": 1.5}' as ARRAY<STRUCT<a BIGINT>> gives [{a: null}]).
  const element = rt.kind === "array" && rt.elementType.kind === "struct" ? rt.elementType.fields : null;
  const elementConvs = element?.map((f) => jsonConverter(f.type, parsers)) ?? [];
  return mapRows([args[0]!], rt, ([s]) => {
    const text = s as string;
    if (text.trim() === "") return null;
    let j: unknown;
    try {
      j = parseJsonRecord(text, scan);
    } catch (e) {
      return malformed(text, (e as Error).message);
    }
    if (fields) return toStruct(text, j);
    if (j === null) return null;
    if (element && isObject(j)) return [partialStruct(element, elementConvs, j).out];
    const v = whole(j);
    return v === BAD ? malformed(text, `the value does not fit ${simpleString(rt).toUpperCase()}`) : v;
  });
}
