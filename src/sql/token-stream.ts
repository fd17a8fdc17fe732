/**
 * A cursor over the lexer's tokens with keyword helpers. Keywords match unquoted words
 * case-insensitively; a backtick-quoted word is always a name.
 */
import type { SluiceError } from "../common/errors.js";
import { type Token, tokenize } from "./lexer.js";
import { syntaxError } from "./parse-error.js";

export class TokenStream {
  protected readonly tokens: Token[];
  protected pos = 0;

  constructor(readonly text: string) {
    this.tokens = tokenize(text);
  }

  peek(k = 0): Token {
    return this.tokens[Math.min(this.pos + k, this.tokens.length - 1)]!;
  }

  next(): Token {
    const t = this.peek();
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }

  atEnd(): boolean {
    return this.peek().kind === "eof";
  }

  /** Is token `t` the unquoted keyword `kw` (upper case)? */
  static isKw(t: Token, kw: string): boolean {
    return t.kind === "ident" && !t.quoted && t.value.toUpperCase() === kw;
  }

  isKeyword(kw: string, k = 0): boolean {
    return TokenStream.isKw(this.peek(k), kw);
  }

  /** The upper-cased keyword at the cursor, or "" if the token is not an unquoted word. */
  keywordAt(k = 0): string {
    const t = this.peek(k);
    return t.kind === "ident" && !t.quoted ? t.value.toUpperCase() : "";
  }

  acceptKeyword(...kws: string[]): boolean {
    for (let i = 0; i < kws.length; i++) if (!this.isKeyword(kws[i]!, i)) return false;
    this.pos += kws.length;
    return true;
  }

  expectKeyword(...kws: string[]): void {
    for (const kw of kws) {
      if (!this.isKeyword(kw)) throw this.fail(this.peek(), `expected ${kw}`);
      this.next();
    }
  }

  isOp(op: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === "op" && t.value === op;
  }

  acceptOp(op: string): boolean {
    if (!this.isOp(op)) return false;
    this.next();
    return true;
  }

  expectOp(op: string): Token {
    if (!this.isOp(op)) throw this.fail(this.peek(), `expected '${op}'`);
    return this.next();
  }

  /** A (possibly quoted) identifier. */
  identifier(what = "a name"): string {
    const t = this.peek();
    if (t.kind !== "ident") throw this.fail(t, `expected ${what}`);
    this.next();
    return t.value;
  }

  /** `a.b.c` → ["a", "b", "c"]. */
  multipartIdentifier(what = "a name"): string[] {
    const parts = [this.identifier(what)];
    while (this.isOp(".") && this.peek(1).kind === "ident") {
      this.next();
      parts.push(this.next().value);
    }
    return parts;
  }

  /** A PARSE_SYNTAX_ERROR at token `t`. */
  fail(t: Token, detail?: string): SluiceError {
    const near = t.kind === "eof" ? "" : this.text.slice(t.offset, t.end);
    return syntaxError(this.text, t.offset, detail, near);
  }

  /** Fail unless the whole text was consumed. */
  expectEnd(): void {
    this.acceptOp(";");
    const t = this.peek();
    if (t.kind !== "eof") throw this.fail(t, `extra input '${this.text.slice(t.offset, t.end)}'`);
  }
}
