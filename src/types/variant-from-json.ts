/**
 * JSON text → a variant, as Spark's `parse_json` reads it (Jackson's defaults):
 * 1. strict JSON — no comments, single quotes, NaN/Infinity, leading zeros or raw control
 *    characters in strings — and only the first value: text after it is ignored, as Jackson stops
 *    after the root value;
 * 2. an integer literal is a long when it fits in 64 bits; a literal with no exponent (an integer
 *    too wide for a long, or one with a fraction) is a decimal when it has at most 38 digits and 38
 *    fraction digits; anything else (exponents, wider numbers) is a double;
 * 3. objects keep their fields in key order and a repeated key is `VARIANT_DUPLICATE_KEY`.
 * Malformed text throws {@link MalformedJson}; callers decide whether that is an error or a null.
 */
import { VariantBuilder, type FieldEntry } from "./variant-builder.js";
import type { VariantVal } from "./variant-val.js";

/** Nesting deeper than Jackson's default limit (1000) is malformed. */
const MAX_DEPTH = 1000;
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** The JSON text is not valid JSON. */
export class MalformedJson extends Error {}

export function parseJsonToVariant(text: string): VariantVal {
  const b = new VariantBuilder();
  const p = new Parser(text, b);
  p.skipWs();
  p.value(0);
  return b.result();
}

class Parser {
  private i = 0;
  constructor(
    private readonly s: string,
    private readonly b: VariantBuilder,
  ) {}

  private fail(): never {
    throw new MalformedJson(`malformed JSON at character ${this.i}`);
  }

  skipWs(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.i++;
      else break;
    }
  }

  value(depth: number): void {
    if (depth > MAX_DEPTH) this.fail();
    const c = this.s[this.i];
    if (c === "{") return this.object(depth);
    if (c === "[") return this.array(depth);
    if (c === '"') return this.b.appendString(this.string());
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return this.number();
    if (this.s.startsWith("true", this.i)) {
      this.i += 4;
      return this.b.appendBoolean(true);
    }
    if (this.s.startsWith("false", this.i)) {
      this.i += 5;
      return this.b.appendBoolean(false);
    }
    if (this.s.startsWith("null", this.i)) {
      this.i += 4;
      return this.b.appendNull();
    }
    this.fail();
  }

  private object(depth: number): void {
    this.i++;
    const start = this.b.writePos;
    const fields: FieldEntry[] = [];
    this.skipWs();
    if (this.s[this.i] === "}") this.i++;
    else {
      for (;;) {
        this.skipWs();
        if (this.s[this.i] !== '"') this.fail();
        const key = this.string();
        this.skipWs();
        if (this.s[this.i] !== ":") this.fail();
        this.i++;
        this.skipWs();
        fields.push({ key, id: this.b.addKey(key), offset: this.b.writePos - start });
        this.value(depth + 1);
        this.skipWs();
        const c = this.s[this.i++];
        if (c === "}") break;
        if (c !== ",") this.fail();
      }
    }
    this.b.finishObject(start, fields);
  }

  private array(depth: number): void {
    this.i++;
    const start = this.b.writePos;
    const offsets: number[] = [];
    this.skipWs();
    if (this.s[this.i] === "]") this.i++;
    else {
      for (;;) {
        this.skipWs();
        offsets.push(this.b.writePos - start);
        this.value(depth + 1);
        this.skipWs();
        const c = this.s[this.i++];
        if (c === "]") break;
        if (c !== ",") this.fail();
      }
    }
    this.b.finishArray(start, offsets);
  }

  private string(): string {
    const s = this.s;
    let i = this.i + 1;
    let out = "";
    let from = i;
    for (;;) {
      if (i >= s.length) this.fail();
      const c = s.charCodeAt(i);
      if (c === 34) break;
      if (c < 32) {
        this.i = i;
        this.fail();
      }
      if (c === 92) {
        out += s.slice(from, i);
        const e = s[i + 1];
        const simple: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
        if (e !== undefined && e in simple) {
          out += simple[e];
          i += 2;
        } else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(s.slice(i + 2, i + 6), 16));
          i += 6;
        } else {
          this.i = i;
          this.fail();
        }
        from = i;
      } else i++;
    }
    out += s.slice(from, i);
    this.i = i + 1;
    return out;
  }

  private number(): void {
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.s);
    if (!m) this.fail();
    const text = m[0];
    this.i += text.length;
    const next = this.s[this.i];
    if (next !== undefined && /[0-9.eE+\-a-zA-Z]/.test(next)) this.fail();
    const [, fraction, exponent] = m;
    if (exponent === undefined) {
      const digits = text.replace(/^-/, "").replace(".", "");
      const unscaled = BigInt((text.startsWith("-") ? "-" : "") + digits);
      if (fraction === undefined && unscaled >= LONG_MIN && unscaled <= LONG_MAX) return this.b.appendLong(unscaled);
      const scale = fraction === undefined ? 0 : fraction.length - 1;
      const precision = Math.max(digits.replace(/^0+(?=\d)/, "").length, 1);
      if (precision <= 38 && scale <= 38) return this.b.appendDecimal(unscaled, scale);
    }
    this.b.appendDouble(Number(text));
  }
}
