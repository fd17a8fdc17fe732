/**
 * A small JSON scanner over one record's text, used where `JSON.parse` cannot do what Spark does:
 * - schema inference must see number literals as written (`2.0` is a double, `12345678901234567890`
 *   a DECIMAL(20,0)), so `inferJsonText` builds the DataType straight from the tokens, without
 *   creating values;
 * - Spark's lenient forms (single quotes, comments, NaN/Infinity) when reading with the options
 *   that allow them (`parseJsonLenient`).
 * - records whose number literals JSON.parse would change (`1.0` → 1, 2^63 → 2^63 rounded) when the
 *   column type cares (`parseJsonRecord`): there every number keeps its literal as JsonNumberText.
 * Nesting deeper than MAX_JSON_DEPTH (1000, Spark's bound: see expr/functions/json-depth.ts) is
 * malformed; this also keeps the scanner's recursion bounded.
 * All of them throw a plain Error on malformed text; callers turn it into a parse-mode decision.
 */
import { type DataType, DecimalType, StringType } from "../../types/data-type.js";
import { MAX_JSON_DEPTH, tooDeepJson } from "./json-depth.js";
import { formatDouble } from "./value-text.js";
import { StructType } from "../../types/struct-type.js";

export interface ScanOptions {
  readonly allowComments: boolean;
  readonly allowSingleQuotes: boolean;
  /** `01`, `-007`, `00.5` as numbers (Jackson's ALLOW_LEADING_ZEROS_FOR_NUMBERS); else malformed. */
  readonly allowNumericLeadingZeros?: boolean;
  /** Raw characters below U+0020 inside strings and field names (Jackson's ALLOW_UNQUOTED_CONTROL_CHARS); else malformed. */
  readonly allowUnquotedControlChars?: boolean;
  /** Read the first value and ignore what follows it, as from_json does (Jackson reads one root value); else trailing text is malformed. */
  readonly ignoreTrailing?: boolean;
}

// Number literals as Jackson reads them: no leading zeros unless allowed; a fraction needs digits
// after the point (`1.` is malformed, checked on PySpark 4.0.1: test/bad-input json-*-numbers).
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\d.])|^-?(?:Infinity|NaN)|^\+?(?:Infinity|INF)/;
const NUMBER_LEADING_ZEROS = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\d.])|^-?(?:Infinity|NaN)|^\+?(?:Infinity|INF)/;

export interface InferOptions extends ScanOptions {
  readonly primitivesAsString: boolean;
  readonly prefersDecimal: boolean;
  /** Returns true when a string value parses as a timestamp (inferTimestamp). */
  readonly isTimestamp?: (s: string) => boolean;
  /** Returns true when a string value parses as a zone-less TIMESTAMP_NTZ (inferTimestamp under spark.sql.timestampType = TIMESTAMP_NTZ); tried first. */
  readonly isLocalTimestamp?: (s: string) => boolean;
}

const LONG_MAX = "9223372036854775807";
/** The digits of Long.MIN_VALUE (-9223372036854775808 is a BIGINT). */
const LONG_MIN_DIGITS = "9223372036854775808";


/** A JSON number with its literal text, for columns where `1.0` and `1`, or 2^63 and 2^63-1, differ. */
export class JsonNumberText {
  readonly value: number;
  constructor(readonly text: string) {
    this.value = text === "NaN" ? NaN : /Inf/.test(text) ? (text.startsWith("-") ? -Infinity : Infinity) : Number(text);
  }
}

class Scanner {
  pos = 0;
  depth = 0;
  constructor(
    readonly text: string,
    readonly opts: ScanOptions,
  ) {}

  fail(what: string): never {
    throw new Error(`${what} at character ${this.pos + 1}`);
  }

  ws(): void {
    const s = this.text;
    for (;;) {
      const c = s.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.pos++;
      else if (c === 47 && this.opts.allowComments) {
        const n = s.charCodeAt(this.pos + 1);
        if (n === 47) {
          const e = s.indexOf("\n", this.pos);
          this.pos = e < 0 ? s.length : e + 1;
        } else if (n === 42) {
          const e = s.indexOf("*/", this.pos + 2);
          if (e < 0) this.fail("Unterminated comment");
          this.pos = e + 2;
        } else return;
      } else if (c === 35 && this.opts.allowComments) {
        const e = s.indexOf("\n", this.pos);
        this.pos = e < 0 ? s.length : e + 1;
      } else return;
    }
  }

  str(): string {
    const s = this.text;
    const q = s[this.pos]!;
    if (q === "'" && !this.opts.allowSingleQuotes) this.fail("Unexpected character (')");
    this.pos++;
    let out = "";
    let start = this.pos;
    for (;;) {
      if (this.pos >= s.length) this.fail("Unterminated string");
      const ch = s[this.pos]!;
      if (ch === q) {
        out += s.slice(start, this.pos);
        this.pos++;
        return out;
      }
      if (ch < " " && !this.opts.allowUnquotedControlChars) this.fail(`Illegal unquoted character (code ${ch.charCodeAt(0)}): has to be escaped`);
      if (ch === "\\") {
        out += s.slice(start, this.pos);
        const e = s[this.pos + 1];
        const simple: Record<string, string> = { '"': '"', "'": "'", "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
        if (e === "u") {
          const hex = s.slice(this.pos + 2, this.pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("Bad unicode escape");
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += 6;
        } else if (e !== undefined && simple[e] !== undefined) {
          out += simple[e];
          this.pos += 2;
        } else this.fail("Bad escape");
        start = this.pos;
      } else this.pos++;
    }
  }

  /** A number literal's text, or a non-numeric literal (NaN, Infinity). */
  num(): string {
    const m = (this.opts.allowNumericLeadingZeros ? NUMBER_LEADING_ZEROS : NUMBER).exec(this.text.slice(this.pos, this.pos + 400));
    if (!m) this.fail("Unexpected character");
    this.pos += m[0].length;
    return m[0];
  }

  word(w: string): void {
    if (!this.text.startsWith(w, this.pos)) this.fail("Unrecognized token");
    this.pos += w.length;
  }

  /** Enter an array or object (the caller leaves with `this.depth--`). */
  enter(): void {
    if (++this.depth > MAX_JSON_DEPTH) this.fail(`Nesting deeper than ${MAX_JSON_DEPTH} levels`);
    this.pos++;
  }

  end(): void {
    this.ws();
    if (this.pos < this.text.length) this.fail("Unexpected trailing characters");
  }

  /** Parse one value into JS values. */
  value(): unknown {
    this.ws();
    const c = this.text[this.pos];
    if (c === "{") {
      this.enter();
      const o: Record<string, unknown> = {};
      this.ws();
      if (this.text[this.pos] === "}") return (this.pos++, this.depth--, o);
      for (;;) {
        this.ws();
        const k = this.str();
        this.ws();
        if (this.text[this.pos] !== ":") this.fail("Expected ':'");
        this.pos++;
        o[k] = this.value();
        this.ws();
        const d = this.text[this.pos++];
        if (d === "}") return (this.depth--, o);
        if (d !== ",") this.fail("Expected ',' or '}'");
      }
    }
    if (c === "[") {
      this.enter();
      const a: unknown[] = [];
      this.ws();
      if (this.text[this.pos] === "]") return (this.pos++, this.depth--, a);
      for (;;) {
        a.push(this.value());
        this.ws();
        const d = this.text[this.pos++];
        if (d === "]") return (this.depth--, a);
        if (d !== ",") this.fail("Expected ',' or ']'");
      }
    }
    if (c === '"' || c === "'") return this.str();
    if (c === "t") return (this.word("true"), true);
    if (c === "f") return (this.word("false"), false);
    if (c === "n") return (this.word("null"), null);
    return new JsonNumberText(this.num());
  }

  /** Infer the Spark type of one value, as Spark's JSON schema inference does. */
  type(o: InferOptions): DataType {
    this.ws();
    const c = this.text[this.pos];
    if (c === "{") {
      this.enter();
      const fields = new Map<string, DataType>();
      this.ws();
      if (this.text[this.pos] === "}") return (this.pos++, this.depth--, new StructType([]));
      for (;;) {
        this.ws();
        const k = this.str();
        this.ws();
        if (this.text[this.pos] !== ":") this.fail("Expected ':'");
        this.pos++;
        const t = this.type(o);
        const prev = fields.get(k);
        fields.set(k, prev ? mergeJsonTypes(prev, t) : t);
        this.ws();
        const d = this.text[this.pos++];
        if (d === "}") break;
        if (d !== ",") this.fail("Expected ',' or '}'");
      }
      this.depth--;
      const names = [...fields.keys()].sort();
      return new StructType(names.map((name) => ({ name, type: fields.get(name)!, nullable: true })));
    }
    if (c === "[") {
      this.enter();
      let el: DataType = { kind: "null" };
      this.ws();
      if (this.text[this.pos] === "]") return (this.pos++, this.depth--, { kind: "array", elementType: el, containsNull: true });
      for (;;) {
        el = mergeJsonTypes(el, this.type(o));
        this.ws();
        const d = this.text[this.pos++];
        if (d === "]") return (this.depth--, { kind: "array", elementType: el, containsNull: true });
        if (d !== ",") this.fail("Expected ',' or ']'");
      }
    }
    if (c === '"' || c === "'") {
      const s = this.str();
      if (o.primitivesAsString) return StringType;
      if (o.prefersDecimal && /^[+-]?\d+(\.\d+)?$/.test(s.trim())) return decimalOfLiteral(s.trim()) ?? StringType;
      if (o.isLocalTimestamp && o.isLocalTimestamp(s)) return { kind: "timestamp_ntz" };
      if (o.isTimestamp && o.isTimestamp(s)) return { kind: "timestamp" };
      return StringType;
    }
    if (c === "t" || c === "f") {
      this.word(c === "t" ? "true" : "false");
      return o.primitivesAsString ? StringType : { kind: "boolean" };
    }
    if (c === "n") return (this.word("null"), { kind: "null" });
    const t = this.num();
    if (o.primitivesAsString) return StringType;
    if (/^-?\d+$/.test(t)) {
      const digits = t.replace(/^-0*|^0+/, "") || "0";
      if (digits.length < 19 || (digits.length === 19 && digits <= (t.startsWith("-") ? LONG_MIN_DIGITS : LONG_MAX))) return { kind: "bigint" };
      return digits.length <= 38 ? DecimalType(digits.length, 0) : { kind: "double" };
    }
    if (o.prefersDecimal) return decimalOfLiteral(t) ?? { kind: "double" };
    return { kind: "double" };
  }
}

/** DECIMAL(p,s) of a plain decimal literal (`1.25` → DECIMAL(3,2)), or undefined. */
function decimalOfLiteral(t: string): DataType | undefined {
  const m = /^[+-]?(\d+)(?:\.(\d+))?$/.exec(t);
  if (!m) return undefined;
  const int = m[1]!.replace(/^0+/, "");
  const frac = m[2] ?? "";
  const scale = frac.length;
  const precision = Math.max(int.length + scale, scale, 1);
  return precision <= 38 ? DecimalType(precision, scale) : undefined;
}

/** Spark's JSON `compatibleType`: widen numerics, merge structs and arrays, else STRING. */
export function mergeJsonTypes(a: DataType, b: DataType): DataType {
  if (a.kind === "null") return b;
  if (b.kind === "null") return a;
  if (a.kind === b.kind) {
    if (a.kind === "struct" && b.kind === "struct") {
      const m = new Map<string, DataType>();
      for (const f of a.fields) m.set(f.name, f.type);
      for (const f of b.fields) m.set(f.name, m.has(f.name) ? mergeJsonTypes(m.get(f.name)!, f.type) : f.type);
      return new StructType([...m.keys()].sort().map((name) => ({ name, type: m.get(name)!, nullable: true })));
    }
    if (a.kind === "array" && b.kind === "array") return { kind: "array", elementType: mergeJsonTypes(a.elementType, b.elementType), containsNull: true };
    if (a.kind === "decimal" && b.kind === "decimal") return widerDecimal(a.precision, a.scale, b.precision, b.scale);
    return a;
  }
  const num = (t: DataType) => t.kind === "bigint" || t.kind === "double" || t.kind === "decimal" || t.kind === "int";
  if (num(a) && num(b)) {
    if (a.kind === "double" || b.kind === "double") return { kind: "double" };
    const d = a.kind === "decimal" ? a : b;
    const other = a.kind === "decimal" ? b : a;
    if (d.kind !== "decimal") return { kind: "bigint" };
    const ip = other.kind === "int" ? 10 : 20;
    return widerDecimal(d.precision, d.scale, ip, 0);
  }
  // Spark's tightest common type: DATE < TIMESTAMP_NTZ < TIMESTAMP
  const rank = (t: DataType) => ["date", "timestamp_ntz", "timestamp"].indexOf(t.kind);
  if (rank(a) >= 0 && rank(b) >= 0) return rank(a) > rank(b) ? a : b;
  return StringType;
}

function widerDecimal(p1: number, s1: number, p2: number, s2: number): DataType {
  const scale = Math.max(s1, s2);
  const range = Math.max(p1 - s1, p2 - s2);
  if (range + scale > 38) return { kind: "double" };
  return DecimalType(range + scale, scale);
}

/** Infer the type of one JSON record text (object, array of objects, or scalar). */
export function inferJsonText(text: string, o: InferOptions): DataType {
  const s = new Scanner(text, o);
  const t = s.type(o);
  s.end();
  return t;
}

/** Parse JSON text with Spark's lenient options (comments, single quotes, NaN/Infinity); numbers come back as JsonNumberText. */
export function parseJsonLenient(text: string, o: ScanOptions): unknown {
  const s = new Scanner(text, o);
  const v = s.value();
  if (!o.ignoreTrailing) s.end();
  return v;
}

/**
 * A number literal JSON.parse would not return exactly as written, outside a string as far as a
 * cheap test can tell: a fraction or exponent (`1.0`, `1e3`), 16 or more digits (2^53 has 16, so
 * a BIGINT beyond a double's exact range keeps its digits), or `-0`. A string that merely looks like one only costs the slow path.
 */
export const INEXACT_NUMBER = /[:,[]\s*(?:-?\d+(?:\.\d*)?[eE][+-]?\d+|-?\d+\.\d*|-?\d{16,}|-0)\s*[,}\]]/;

/**
 * One JSON record as JS values: JSON.parse when it suffices, the scanner for Spark's lenient forms
 * and for records matching `exactNumbers` (a test for number literals JSON.parse would change
 * where the schema cares; numbers then come back as JsonNumberText). Throws on malformed text or
 * nesting deeper than MAX_JSON_DEPTH.
 */
export function parseJsonRecord(text: string, o: ScanOptions & { readonly exactNumbers?: RegExp }): unknown {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return parseJsonLenient(text, o);
  }
  if (typeof v === "object" && tooDeepJson(text)) throw new Error(`Nesting deeper than ${MAX_JSON_DEPTH} levels`);
  if (o.exactNumbers?.test(text)) return parseJsonLenient(text, o);
  return v;
}

/**
 * JSON text of a parsed value, as Spark copies a value into a STRING column. With `asWritten`
 * (the file reader's exact string parsing) number literals keep their text; otherwise as Jackson's
 * copyCurrentStructure writes them (from_json): integers as their digits (`-0` → `0`), other
 * numbers as Java's Double.toString (`1.50` → `1.5`, `3e2` → `300.0`; PySpark 4.0.1,
 * test/parity/cases/from_json/019).
 */
export function jsonText(v: unknown, asWritten = false): string {
  if (v instanceof JsonNumberText) return asWritten ? v.text : /^-?\d+$/.test(v.text) ? BigInt(v.text).toString() : /[.eE]/.test(v.text) ? formatDouble(v.value) : v.text;
  if (Array.isArray(v)) return `[${v.map((x) => jsonText(x, asWritten)).join(",")}]`;
  if (typeof v === "object" && v !== null) return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${jsonText(x, asWritten)}`).join(",")}}`;
  return JSON.stringify(v);
}
