/**
 * from_csv(text, schema[, options]) and schema_of_csv(text[, options]) with Spark 4.0's rules,
 * reading fields with the CSV file reader's tokenizer and converters (csv-tokenizer.ts,
 * csv-values.ts). Facts recorded on PySpark 4.0.1 (test/parity/cases/csv-functions):
 *   - the schema is a literal DDL struct ('a INT, b STRING'); a single type is INVALID_SCHEMA, a
 *     nested field type UNSUPPORTED_DATATYPE (CSV holds no nested values);
 *   - NULL text → NULL; the first record of the text is read, fields in schema order, the
 *     corrupt-record field (columnNameOfCorruptRecord, default `_corrupt_record`) left out;
 *   - a record with fewer fields (missing ones NULL), more fields (the rest dropped), or a field
 *     that does not fit its type (that field NULL) is malformed: PERMISSIVE puts the text in the
 *     corrupt-record field, FAILFAST raises MALFORMED_RECORD_IN_PARSING;
 *   - schema_of_csv infers each field as the CSV reader's inferSchema does, from NULL (an empty
 *     field is STRING), and prints Spark's DDL: `STRUCT<_c0: INT, _c1: STRING>`.
 */
import { analysisError, unsupported } from "../../common/errors.js";
import { type DataType, sqlTypeName, StringType, type StructField } from "../../types/data-type.js";
import { parseDataType, parseDDLSchema } from "../../types/ddl.js";
import { compilePattern, parsePattern } from "../datetime/pattern.js";
import { getTimeZone } from "../datetime/time-zone.js";
import type { ArgInfo, CompiledExpr, EvalContext, ResolvedSignature } from "../function-types.js";
import type { RExpr } from "../resolved-expr.js";
import { type CsvFunctionOptions, parseCsvFunctionOptions } from "./csv-function-options.js";
import { tokenizeCsv } from "./csv-tokenizer.js";
import { BAD, type CsvDateTimeParsers, csvConverter, inferCsvValue } from "./csv-values.js";
import { checkCorruptField, failFastError, optionsOf, textParsers } from "./from-json.js";
import { checkArity, define, literalOf, mapRows, typeMismatch } from "./kernel.js";

const US_PER_DAY = 86_400_000_000;
const UTC = getTimeZone("UTC");

function options(fn: string, e: RExpr | ArgInfo | undefined): CsvFunctionOptions | undefined {
  const raw = optionsOf(e, fn);
  return raw === undefined ? undefined : parseCsvFunctionOptions(fn, raw);
}

/** The fields of one record of `text` (an empty text is one NULL field, as Spark's parser reads it). */
function recordFields(text: string, o: CsvFunctionOptions): (string | null)[] {
  for (const r of tokenizeCsv(text, o.tokenizer)) return r.fields;
  return [null];
}

function parsers(o: CsvFunctionOptions, ctx: EvalContext): CsvDateTimeParsers {
  const p = textParsers(o, ctx);
  if (o.timestampNTZFormat === undefined) return p;
  const ntz = compilePattern(o.timestampNTZFormat);
  return { ...p, localTimestamp: (s) => parsePattern(ntz, s, UTC, true) };
}

function csvSchema(text: unknown, ctx: EvalContext): StructField[] {
  if (typeof text !== "string") throw analysisError("INVALID_SCHEMA", "from_csv needs its schema as a literal DDL string such as 'a INT, b STRING'.");
  const ddl = { timestampNTZ: ctx.timestampNTZ === true };
  let fields: StructField[];
  try {
    fields = parseDDLSchema(text, ddl);
  } catch (e) {
    let t: DataType;
    try {
      t = parseDataType(text, ddl);
    } catch {
      // Spark parses the schema text with its SQL parser: PARSE_SYNTAX_ERROR
      throw analysisError("PARSE_SYNTAX_ERROR", `from_csv: the schema ${JSON.stringify(text)} does not parse: ${(e as Error).message}`);
    }
    if (t.kind !== "struct") throw analysisError("INVALID_SCHEMA", `The input schema "${text}" is not a valid schema string: it must be a struct type, but got "${sqlTypeName(t)}".`);
    fields = [...t.fields];
  }
  for (const f of fields) {
    if (["array", "map", "struct", "variant"].includes(f.type.kind)) throw unsupported("UNSUPPORTED_DATATYPE", `Unsupported data type "${sqlTypeName(f.type)}" in from_csv: CSV fields hold no nested values (field \`${f.name}\`).`, { column: f.name });
  }
  return fields;
}

function resolveFromCsv(args: readonly ArgInfo[], ctx: EvalContext, name: string): ResolvedSignature {
  checkArity(name, args, 2, 3);
  if (!["string", "null"].includes(args[0]!.type.kind)) typeMismatch(name, 0, args[0]!.type, "STRING");
  const rt: DataType = { kind: "struct", fields: csvSchema(literalOf(args[1]), ctx) };
  const o = options(name, args[2]);
  if (o) checkCorruptField(rt, o);
  return { argTypes: [StringType, ...args.slice(1).map((a) => a.type)], returnType: rt };
}

function compileFromCsv(args: readonly CompiledExpr[], argExprs: readonly RExpr[], rt: DataType, ctx: EvalContext, name: string): CompiledExpr {
  const o = options(name, argExprs[2]) ?? parseCsvFunctionOptions(name, new Map());
  checkCorruptField(rt, o);
  const fields = rt.kind === "struct" ? rt.fields : [];
  const corrupt = fields.some((f) => f.name === o.corruptName) ? o.corruptName : null;
  const data = fields.filter((f) => f.name !== corrupt);
  const p = parsers(o, ctx);
  const convs = data.map((f) => csvConverter(f.type, o, p));
  return mapRows([args[0]!], rt, ([s]) => {
    const text = s as string;
    const tokens = recordFields(text, o);
    const out: Record<string, unknown> = {};
    let bad = tokens.length === data.length ? undefined : `expected ${data.length} fields, found ${tokens.length}`;
    for (let k = 0; k < data.length; k++) {
      const f = data[k]!;
      const t = tokens[k];
      const v = t === null || t === undefined || t === o.nullValue ? null : convs[k]!(t);
      if (v === BAD) bad ??= `value ${JSON.stringify(t)} of field \`${f.name}\` is not a valid ${sqlTypeName(f.type)}`;
      out[f.name] = v === BAD ? null : v;
    }
    if (bad !== undefined && o.failFast) throw failFastError(text, bad);
    if (corrupt) out[corrupt] = bad === undefined ? null : text;
    return out;
  });
}

/** Spark's DDL text of the schema inferred from one CSV record. */
function inferSchemaText(text: string, o: CsvFunctionOptions, ctx: EvalContext): string {
  const p = textParsers(o, ctx);
  const ts = { parseTs: p.timestamp, ...(ctx.timestampNTZ === true ? { parseLocal: parsers(o, ctx).localTimestamp } : {}) };
  const datePattern = compilePattern(o.dateFormat ?? "yyyy-MM-dd");
  const strictDate = (s: string) => ((us) => (us === null ? null : Math.floor(us / US_PER_DAY)))(parsePattern(datePattern, s, UTC));
  const fields = recordFields(text, o).map((v, i): StructField => {
    const t: DataType = v === null || v === o.nullValue ? { kind: "null" } : inferCsvValue({ kind: "null" }, v, o, ts, strictDate);
    return { name: `_c${i}`, type: t.kind === "null" ? StringType : t, nullable: true };
  });
  return sqlTypeName({ kind: "struct", fields });
}

export const csvFunctions = [
  ...define("from_csv", resolveFromCsv, compileFromCsv),
  ...define("schema_of_csv", (args, _c, name) => {
    checkArity(name, args, 1, 2);
    const text = literalOf(args[0]);
    if (args[0]!.type.kind === "null" || (args[0]!.literal !== undefined && text === null)) {
      throw analysisError("DATATYPE_MISMATCH", `Cannot resolve "${name}" due to data type mismatch: the csv must not be null.`, { function: name });
    }
    if (typeof text !== "string") typeMismatch(name, 0, args[0]!.type, "a literal STRING (Spark needs a foldable CSV text)");
    options(name, args[1]);
    return { argTypes: args.map((a) => a.type), returnType: StringType };
  }, (_args, argExprs, _rt, ctx, name) => {
    const o = options(name, argExprs[1]) ?? parseCsvFunctionOptions(name, new Map());
    const ddl = inferSchemaText(literalOf(argExprs[0]) as string, o, ctx);
    return mapRows([], StringType, () => ddl);
  }),
];
