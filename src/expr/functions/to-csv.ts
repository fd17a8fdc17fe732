/**
 * to_csv(struct[, options]): one CSV record of a struct's fields, as Spark 4.0 writes it (facts
 * recorded on PySpark 4.0.1, test/parity/cases/csv-functions): NULL fields as `nullValue` (empty),
 * text trimmed of leading and trailing white space (Spark's write defaults), quoted when it holds
 * the separator, the quote or a line break, or is empty (`""`), quotes escaped with `escape`;
 * numbers as Java prints them; dates `yyyy-MM-dd`, timestamps `yyyy-MM-dd'T'HH:mm:ss.SSSXXX` in
 * the session zone (TIMESTAMP_NTZ without the zone); arrays, maps and structs as their CAST text
 * (`[1]`, `{k -> 1}`, `{1}`). A BINARY field is refused (Spark prints the JVM array's text).
 */
import { unsupported } from "../../common/errors.js";
import { type DataType, StringType } from "../../types/data-type.js";
import { compilePattern, formatPattern } from "../datetime/pattern.js";
import { getTimeZone, type TimeZone } from "../datetime/time-zone.js";
import { type ToCsvOptions, parseToCsvOptions } from "./csv-function-options.js";
import { optionsOf } from "./from-json.js";
import { checkArity, define, mapRows, typeMismatch } from "./kernel.js";
import { formatDecimal, formatDouble, formatFloat, valueToText } from "./value-text.js";

const UTC = getTimeZone("UTC");
const US_PER_DAY = 86_400_000_000;

function fieldText(t: DataType, o: ToCsvOptions, zone: TimeZone): (v: unknown) => string {
  switch (t.kind) {
    case "float":
      return (v) => formatFloat(v as number);
    case "double":
      return (v) => formatDouble(v as number);
    case "decimal":
      return (v) => formatDecimal(v as bigint, t.scale);
    case "date": {
      const p = compilePattern(o.dateFormat);
      return (v) => formatPattern(p, (v as number) * US_PER_DAY, 0, UTC);
    }
    case "timestamp": {
      const p = compilePattern(o.timestampFormat);
      return (v) => {
        const off = zone.offsetMs(Math.floor((v as number) / 1000));
        return formatPattern(p, (v as number) + off * 1000, off, zone);
      };
    }
    case "timestamp_ntz": {
      const p = compilePattern(o.timestampNTZFormat);
      return (v) => formatPattern(p, v as number, 0, UTC);
    }
    case "binary":
      throw unsupported("UNSUPPORTED_DATATYPE", `to_csv does not write BINARY fields (Spark prints the JVM array's text); cast the field to STRING or encode it with base64() or hex().`);
    default:
      return (v) => valueToText(t, v, zone);
  }
}

function quoted(s: string, o: ToCsvOptions): string {
  const v = s.trim();
  const needs = o.quoteAll || v === "" || v.includes(o.sep) || v.includes("\n") || v.includes("\r") || (o.quote !== "" && v.includes(o.quote));
  if (!needs || o.quote === "") return v;
  return o.quote + (o.escape !== "" ? v.split(o.quote).join(o.escape + o.quote) : v) + o.quote;
}

export const toCsvFunctions = define("to_csv", (args, _c, name) => {
  checkArity(name, args, 1, 2);
  if (!["struct", "null"].includes(args[0]!.type.kind)) typeMismatch(name, 0, args[0]!.type, "a STRUCT");
  const raw = optionsOf(args[1], name);
  if (raw) parseToCsvOptions(raw);
  return { argTypes: args.map((a) => a.type), returnType: StringType };
}, (args, argExprs, _rt, ctx, name) => {
  const o = parseToCsvOptions(optionsOf(argExprs[1], name) ?? new Map());
  const zone = getTimeZone(o.timeZone ?? ctx.timeZone);
  const t = argExprs[0]!.type;
  const fields = t.kind === "struct" ? t.fields : [];
  const texts = fields.map((f) => fieldText(f.type, o, zone));
  const stringField = fields.map((f) => f.type.kind === "string");
  return mapRows([args[0]!], StringType, ([s]) => {
    const row = s as Record<string, unknown>;
    return fields
      .map((f, i) => {
        const v = row[f.name];
        if (v === null || v === undefined) return o.nullValue;
        return stringField[i] ? quoted(v as string, o) : quoted(texts[i]!(v), o);
      })
      .join(o.sep);
  });
});
