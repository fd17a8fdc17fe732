/**
 * Spark SQL text → tokens. Every token keeps its source offset and 1-based line/column so the
 * parser can report `line:column` with a caret excerpt (see parse-error.ts).
 *
 * Words are all `ident` tokens (keywords are recognised by the parser, case-insensitively, and only
 * when unquoted), because Spark's default mode lets most keywords double as names.
 * String literals are decoded here with Spark's escapes (`\n`, `\t`, `\uXXXX`, octal `\101`, ...);
 * `r'...'` is a raw string. Numbers stay as text; literals.ts types them.
 */
import { syntaxError } from "./parse-error.js";

export type TokenKind = "ident" | "number" | "string" | "binary" | "op" | "eof";

export interface Token {
  readonly kind: TokenKind;
  /** ident: the name (backticks removed); string: the decoded value; number/op: the source text; binary: hex digits. */
  readonly value: string;
  /** Backtick-quoted identifier: never a keyword. */
  readonly quoted: boolean;
  readonly offset: number;
  readonly end: number;
  readonly line: number;
  readonly column: number;
}

const OPS = [
  "<=>", ">>>", "<=", ">=", "<>", "!=", "==", "<<", ">>", "||", "::", "->", "=>",
  "=", "<", ">", "|", "&", "^", "~", "!", "+", "-", "*", "/", "%", "(", ")", "[", "]", ",", ".", ";", ":", "{", "}",
];

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";
const isWordStart = (c: string | undefined): boolean => c !== undefined && (c === "_" || /\p{L}/u.test(c));
const isWordPart = (c: string | undefined): boolean => c !== undefined && (c === "_" || isDigit(c) || /[\p{L}\p{N}]/u.test(c));

/** Tokenise `text`; throws PARSE_SYNTAX_ERROR for unterminated strings/comments and stray characters. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let pos = 0;
  let line = 1;
  let lineStart = 0;
  const advanceTo = (to: number): void => {
    for (let i = pos; i < to; i++) {
      if (text.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
    pos = to;
  };
  const push = (kind: TokenKind, value: string, start: number, startLine: number, startCol: number, quoted = false): void => {
    out.push({ kind, value, quoted, offset: start, end: pos, line: startLine, column: startCol });
  };
  // Spark's `SET key = value` takes the text as written (a path such as /tmp/x-1a/chk is no
  // expression): the key and the value become one ident token each, split at the first `=` and
  // ended by the next `;` outside quotes or a `--` comment.
  const pushRawSetOperands = (): void => {
    let end = pos;
    let eq = -1;
    while (end < text.length && text[end] !== ";" && !text.startsWith("--", end)) {
      const q = text[end]!;
      if (q === "'" || q === '"' || q === "`") {
        const close = text.indexOf(q, end + 1);
        end = close < 0 ? text.length : close + 1;
        continue;
      }
      if (q === "=" && eq < 0) eq = end;
      end++;
    }
    const operand = (from: number, to: number): void => {
      const lead = text.slice(from, to).search(/\S/);
      if (lead < 0) return;
      advanceTo(from + lead);
      const s = pos;
      const l = line;
      const col = pos - lineStart + 1;
      advanceTo(from + text.slice(from, to).trimEnd().length);
      push("ident", text.slice(s, pos), s, l, col);
    };
    if (eq < 0) return operand(pos, end);
    operand(pos, eq);
    advanceTo(eq);
    const s = pos;
    const l = line;
    const col = pos - lineStart + 1;
    advanceTo(eq + 1);
    push("op", "=", s, l, col);
    operand(pos, end);
    advanceTo(end);
  };
  while (pos < text.length) {
    const c = text[pos]!;
    if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f") {
      advanceTo(pos + 1);
      continue;
    }
    if (c === "-" && text[pos + 1] === "-") {
      const nl = text.indexOf("\n", pos);
      advanceTo(nl < 0 ? text.length : nl);
      continue;
    }
    if (c === "/" && text[pos + 1] === "*") {
      let depth = 0;
      let i = pos;
      while (i < text.length) {
        if (text[i] === "/" && text[i + 1] === "*") {
          depth++;
          i += 2;
        } else if (text[i] === "*" && text[i + 1] === "/") {
          depth--;
          i += 2;
          if (depth === 0) break;
        } else i++;
      }
      if (depth !== 0) throw syntaxError(text, pos, "Unclosed bracketed comment");
      advanceTo(i);
      continue;
    }
    const start = pos;
    const sl = line;
    const sc = pos - lineStart + 1;
    if (c === "'" || c === '"') {
      const { value, end } = readString(text, pos, false);
      advanceTo(end);
      push("string", value, start, sl, sc);
      continue;
    }
    if ((c === "r" || c === "R") && (text[pos + 1] === "'" || text[pos + 1] === '"')) {
      const { value, end } = readString(text, pos + 1, true);
      advanceTo(end);
      push("string", value, start, sl, sc);
      continue;
    }
    if ((c === "x" || c === "X") && text[pos + 1] === "'") {
      const close = text.indexOf("'", pos + 2);
      if (close < 0) throw syntaxError(text, pos, "Unterminated binary literal");
      const hex = text.slice(pos + 2, close);
      if (!/^[0-9a-fA-F]*$/.test(hex)) throw syntaxError(text, pos, `Invalid hex digits in binary literal X'${hex}'`);
      advanceTo(close + 1);
      push("binary", hex, start, sl, sc);
      continue;
    }
    if (c === "`") {
      let value = "";
      let i = pos + 1;
      for (;;) {
        if (i >= text.length) throw syntaxError(text, pos, "Unterminated quoted identifier");
        const ch = text[i]!;
        if (ch === "`") {
          if (text[i + 1] === "`") {
            value += "`";
            i += 2;
            continue;
          }
          break;
        }
        value += ch;
        i++;
      }
      advanceTo(i + 1);
      push("ident", value, start, sl, sc, true);
      continue;
    }
    if (isDigit(c) || (c === "." && isDigit(text[pos + 1]) && !isWordPart(text[pos - 1]))) {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?:BD|bd|Bd|bD|[LlSsYyDdFf])?/.exec(text.slice(pos, pos + 400))!;
      let end = pos + m[0].length;
      // `10abc` is not a number followed by a name; Spark rejects it too.
      if (isWordPart(text[end])) {
        while (isWordPart(text[end])) end++;
        throw syntaxError(text, start, `Invalid number or name '${text.slice(start, end)}'`);
      }
      advanceTo(end);
      push("number", m[0], start, sl, sc);
      continue;
    }
    if (isWordStart(c)) {
      let i = pos + 1;
      while (isWordPart(text[i])) i++;
      advanceTo(i);
      push("ident", text.slice(start, i), start, sl, sc);
      const prev = out[out.length - 2];
      if (text.slice(start, i).toUpperCase() === "SET" && (prev === undefined || (prev.kind === "op" && prev.value === ";"))) {
        pushRawSetOperands();
      }
      continue;
    }
    const op = OPS.find((o) => text.startsWith(o, pos));
    if (op === undefined) throw syntaxError(text, pos, `Unexpected character '${c}'`);
    advanceTo(pos + op.length);
    push("op", op, start, sl, sc);
  }
  out.push({ kind: "eof", value: "", quoted: false, offset: text.length, end: text.length, line, column: text.length - lineStart + 1 });
  return out;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  "0": "\u0000",
  b: "\b",
  n: "\n",
  r: "\r",
  t: "\t",
  Z: "\u001a",
  "%": "\\%",
  _: "\\_",
};

/** Read a quoted string starting at the quote; `raw` keeps backslashes. */
function readString(text: string, at: number, raw: boolean): { value: string; end: number } {
  const quote = text[at]!;
  let value = "";
  let i = at + 1;
  for (;;) {
    if (i >= text.length) throw syntaxError(text, at, "Unterminated string literal");
    const ch = text[i]!;
    if (ch === quote) return { value, end: i + 1 };
    if (ch === "\\" && !raw && i + 1 < text.length) {
      const n = text[i + 1]!;
      if (n === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
      if (/^[0-3][0-7]{2}$/.test(text.slice(i + 1, i + 4))) {
        value += String.fromCharCode(parseInt(text.slice(i + 1, i + 4), 8));
        i += 4;
        continue;
      }
      value += SIMPLE_ESCAPES[n] ?? n;
      i += 2;
      continue;
    }
    if (ch === "\\" && raw && text[i + 1] === quote) {
      value += "\\" + quote;
      i += 2;
      continue;
    }
    value += ch;
    i++;
  }
}
