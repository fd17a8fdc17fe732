/**
 * format_string / printf: the java.util.Formatter conversions people use — %s %d %f %e %x %o %c
 * %b %% %n — with flags (-, 0, +, space, ','), width and precision, and `%1$s` argument indexes.
 */
import { executionError } from "../../common/errors.js";
import type { DataType } from "../../types/data-type.js";
import { getTimeZone } from "../datetime/time-zone.js";
import type { EvalContext } from "../function-types.js";
import { valueToText } from "./value-text.js";
import { decimalToDouble } from "../../types/decimal-value.js";

const SPEC = /%(?:(\d+)\$)?([-#+ 0,(]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/g;

function group(intPart: string): string {
  return intPart.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

export function formatString(fmt: string, args: readonly unknown[], types: readonly DataType[], ctx: EvalContext): string {
  let next = 0;
  const zone = getTimeZone(ctx.timeZone);
  return fmt.replace(SPEC, (_m, idx: string | undefined, flags: string, width: string | undefined, prec: string | undefined, conv: string) => {
    if (conv === "%") return "%";
    if (conv === "n") return "\n";
    const k = idx ? Number(idx) - 1 : next++;
    const v = args[k];
    const t = types[k];
    let body: string;
    const upper = conv === conv.toUpperCase() && conv !== "d";
    switch (conv.toLowerCase()) {
      case "s":
        body = v === null || v === undefined ? "null" : t ? valueToText(t, v, zone) : String(v);
        if (prec) body = body.slice(0, Number(prec));
        break;
      case "b":
        body = v === null || v === undefined ? "false" : typeof v === "boolean" ? String(v) : "true";
        break;
      case "c":
        body = v === null ? "null" : typeof v === "number" ? String.fromCodePoint(v) : String(v);
        break;
      case "d":
      case "x":
      case "o": {
        if (v === null || v === undefined) {
          body = "null";
          break;
        }
        if (typeof v !== "number" || !Number.isInteger(v) || (t && (t.kind === "double" || t.kind === "float" || t.kind === "decimal"))) throw badConversion(conv, t);
        const radix = conv.toLowerCase() === "d" ? 10 : conv.toLowerCase() === "x" ? 16 : 8;
        let digits = Math.abs(v).toString(radix);
        if (radix === 10 && flags.includes(",")) digits = group(digits);
        body = (v < 0 ? "-" : flags.includes("+") ? "+" : flags.includes(" ") ? " " : "") + digits;
        break;
      }
      case "f":
      case "e": {
        if (v === null || v === undefined) {
          body = "null";
          break;
        }
        let x = v as number;
        if (t?.kind === "decimal") x = decimalToDouble(v as bigint, t.scale);
        if (typeof x !== "number" || (t && (t.kind === "int" || t.kind === "bigint"))) throw badConversion(conv, t);
        const p = prec === undefined ? 6 : Number(prec);
        if (!Number.isFinite(x)) body = Number.isNaN(x) ? "NaN" : x > 0 ? "Infinity" : "-Infinity";
        else if (conv.toLowerCase() === "f") {
          const [ip, fp] = Math.abs(x).toFixed(p).split(".");
          body = (x < 0 ? "-" : flags.includes("+") ? "+" : "") + (flags.includes(",") ? group(ip!) : ip) + (fp !== undefined ? "." + fp : "");
        } else {
          const e = Math.abs(x).toExponential(p).replace(/e([+-])(\d)$/, "e$10$2");
          body = (x < 0 ? "-" : flags.includes("+") ? "+" : "") + e;
        }
        break;
      }
      default:
        throw executionError("INVALID_FORMAT", `format_string does not support the conversion '%${conv}'. Use %s, %d, %f, %e, %x, %o, %c, %b or %%.`, { conversion: conv });
    }
    if (upper) body = body.toUpperCase();
    const w = width ? Number(width) : 0;
    if (body.length < w) {
      if (flags.includes("-")) body = body.padEnd(w);
      else if (flags.includes("0") && /[dfexo]/i.test(conv)) {
        const sign = /^[+\- ]/.test(body) ? body[0]! : "";
        body = sign + body.slice(sign.length).padStart(w - sign.length, "0");
      } else body = body.padStart(w);
    }
    return body;
  });
}

const badConversion = (conv: string, t: DataType | undefined) =>
  executionError(
    "ILLEGAL_FORMAT_CONVERSION",
    `format_string: %${conv} cannot format a ${t ? t.kind.toUpperCase() : "value"} argument. Use %s, or cast the argument to a matching type.`,
    { conversion: conv },
  );
