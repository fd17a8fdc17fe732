/**
 * delta-spark's change data feed table functions: `table_changes_by_path('/path', start[, end])`
 * and `table_changes('delta.`/path`', start[, end])`, a batch read of the feed. An integer bound is
 * a version, a string a timestamp (startingVersion / startingTimestamp, endingVersion /
 * endingTimestamp of `readChangeFeed`). Sluice has no table catalog, so table_changes takes a
 * path table name only.
 */
import { SluiceError } from "../common/errors.js";
import type { Expr } from "../expr/expr.js";
import { type LogicalPlan, node } from "../plan/logical-plan.js";
import type { Token } from "./lexer.js";
import type { FunctionArgs } from "./primary-parser.js";
import { TokenStream } from "./token-stream.js";

function tvfError(code: string, t: Token, message: string): SluiceError {
  return new SluiceError("analysis", code, `[${code}] ${message} (line ${t.line}:${t.column})`, { line: t.line, column: t.column });
}

/** The plan of `table_changes[_by_path](...)` at `t`. */
export function tableChangesPlan(t: Token, fa: FunctionArgs, streaming: boolean): LogicalPlan {
  const name = t.value.toLowerCase();
  if (streaming) throw tvfError("UNSUPPORTED_STREAMING_TABLE_VALUED_FUNCTION", t, `${name}() cannot be read as a STREAM; use readStream.format("delta").option("readChangeFeed", true).`);
  if (fa.named.length > 0 || fa.args.length < 2 || fa.args.length > 3) throw tvfError("WRONG_NUM_ARGS", t, `${name}() takes 2 or 3 arguments: ${name}(table, start[, end]).`);
  const first = fa.args[0]!;
  if (first.kind !== "literal" || typeof first.value !== "string") throw tvfError("INVALID_SQL_ARG", t, `The first argument of ${name}() must be a string literal.`);
  const path = name === "table_changes_by_path" ? first.value : pathOfName(first.value, t);
  const options: Record<string, string> = { readChangeFeed: "true" };
  bound(fa.args[1]!, "starting", options, t, name);
  if (fa.args[2] !== undefined) bound(fa.args[2], "ending", options, t, name);
  return node({ kind: "read", source: { format: "delta", paths: [path], options }, streaming: false });
}

function pathOfName(text: string, t: Token): string {
  let parts: string[];
  try {
    parts = new TokenStream(text).multipartIdentifier();
  } catch {
    parts = [];
  }
  if (parts.length === 2 && parts[0]!.toLowerCase() === "delta") return parts[1]!;
  throw tvfError("TABLE_OR_VIEW_NOT_FOUND", t, `table_changes('${text}'): Sluice has no table catalog; name the table by path as 'delta.\`/path/to/table\`', or use table_changes_by_path('/path/to/table', ...).`);
}

function bound(e: Expr, which: "starting" | "ending", options: Record<string, string>, t: Token, name: string): void {
  if (e.kind === "literal" && (e.type.kind === "int" || e.type.kind === "bigint") && e.value !== null) options[`${which}Version`] = String(e.value);
  else if (e.kind === "literal" && typeof e.value === "string") options[`${which}Timestamp`] = e.value;
  else throw tvfError("INVALID_SQL_ARG", t, `The ${which} bound of ${name}() must be a version (an integer literal) or a timestamp (a string literal).`);
}
