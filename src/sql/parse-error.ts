/**
 * PARSE_SYNTAX_ERROR in Spark's shape, with a 1-based `line:column` and a caret excerpt:
 *
 *   [PARSE_SYNTAX_ERROR] Syntax error at or near 'form'. (line 1:10)
 *
 *   == SQL ==
 *   select 1 form t
 *   ---------^^^
 *
 * Spark prints a 0-based "pos"; Sluice prints the 1-based column editors use, and keeps both
 * `line` and `column` (1-based) in the error context.
 */
import { SluiceError } from "../common/errors.js";

/** 1-based line and column of a source offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** The source with a `---^^^` marker line inserted under the line holding `offset`. */
export function caretExcerpt(text: string, offset: number): string {
  const { line, column } = lineColumn(text, offset);
  const lines = text.split("\n");
  const marker = "-".repeat(column - 1) + "^^^";
  return [...lines.slice(0, line), marker, ...lines.slice(line)].join("\n");
}

/**
 * A syntax error at `offset`. `detail` says what was wrong; `near` is the offending token's text
 * (empty at end of input).
 */
export function syntaxError(text: string, offset: number, detail?: string, near?: string): SluiceError {
  const { line, column } = lineColumn(text, offset);
  const nearText = near === undefined ? nearToken(text, offset) : near;
  const where = nearText === "" ? "end of input" : `'${nearText}'`;
  const message =
    `[PARSE_SYNTAX_ERROR] Syntax error at or near ${where}${detail ? `: ${detail}` : ""}. (line ${line}:${column})` +
    `\n\n== SQL ==\n${caretExcerpt(text, offset)}`;
  return new SluiceError("parse", "PARSE_SYNTAX_ERROR", message, { line, column, near: nearText });
}

function nearToken(text: string, offset: number): string {
  const m = /^(?:[\p{L}\p{N}_]+|`[^`]*`?|'[^']*'?|"[^"]*"?|\S)/u.exec(text.slice(offset));
  return m ? m[0] : "";
}
