/**
 * Table-valued functions in FROM: `range(...)`, `read_files(path, format => ..., schema => ...)`,
 * `read_kafka(bootstrapServers => ..., subscribe => ...)` (Databricks' streaming SQL forms, with
 * `STREAM` in front for a streaming read), Delta's `table_changes[_by_path](...)` (table-changes.ts),
 * and inline `VALUES` tables.
 */
import { noteOption } from "../common/redaction.js";
import { SluiceError } from "../common/errors.js";
import type { Expr } from "../expr/expr.js";
import { type LogicalPlan, node } from "../plan/logical-plan.js";
import { toStructType } from "../types/struct-type.js";
import type { Token } from "./lexer.js";
import type { FunctionArgs } from "./primary-parser.js";
import { formatDecimal } from "../types/decimal-value.js";
import { tableChangesPlan } from "./table-changes.js";

const at = (t: Token) => `(line ${t.line}:${t.column})`;

function tvfError(code: string, t: Token, message: string): SluiceError {
  return new SluiceError("analysis", code, `[${code}] ${message} ${at(t)}`, { line: t.line, column: t.column });
}

/** The string form of a literal option value (strings, numbers, booleans). */
function optionValue(e: Expr, name: string, t: Token): string {
  if (e.kind === "literal" && e.value !== null) {
    if (e.type.kind === "decimal") return formatDecimal(e.value as bigint, e.type.scale);
    if (typeof e.value === "string" || typeof e.value === "number" || typeof e.value === "boolean") return String(e.value);
  }
  throw tvfError("INVALID_SQL_ARG", t, `The argument ${name} must be a literal string, number or boolean.`);
}

/** Build the plan of a table-valued function call; `streaming` is set by a `STREAM` prefix. */
export function tableFunctionPlan(nameTok: Token, fa: FunctionArgs, streaming: boolean): LogicalPlan {
  const name = nameTok.value.toLowerCase();
  switch (name) {
    case "range":
      if (streaming) throw tvfError("UNSUPPORTED_STREAMING_TABLE_VALUED_FUNCTION", nameTok, "range() cannot be read as a STREAM; use the rate source.");
      return rangePlan(nameTok, fa);
    case "read_files":
      return readFilesPlan(nameTok, fa, streaming);
    case "read_kafka":
      return readKafkaPlan(nameTok, fa, streaming);
    case "table_changes":
    case "table_changes_by_path":
      return tableChangesPlan(nameTok, fa, streaming);
    default:
      throw tvfError(
        "UNRESOLVABLE_TABLE_VALUED_FUNCTION",
        nameTok,
        `Could not resolve \`${nameTok.value}\` to a table-valued function. Sluice supports range, read_files, read_kafka, table_changes and table_changes_by_path.`,
      );
  }
}

function rangePlan(t: Token, fa: FunctionArgs): LogicalPlan {
  if (fa.named.length > 0 || fa.args.length < 1 || fa.args.length > 4) {
    throw tvfError("WRONG_NUM_ARGS", t, "range() takes 1 to 4 arguments: range(end) or range(start, end[, step[, numPartitions]]).");
  }
  const nums = fa.args.map((a, i) => {
    if (a.kind !== "literal" || typeof a.value !== "number" || !(a.type.kind === "int" || a.type.kind === "bigint")) {
      throw tvfError("INVALID_SQL_ARG", t, `Argument ${i + 1} of range() must be an integer literal.`);
    }
    return a.value;
  });
  const [start, end] = nums.length === 1 ? [0, nums[0]!] : [nums[0]!, nums[1]!];
  const step = nums[2] ?? 1;
  if (step === 0) throw tvfError("INVALID_RANGE_STEP", t, "range() step must not be 0.");
  return node({ kind: "range", start, end, step });
}

function namedOptions(t: Token, fa: FunctionArgs): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of fa.named) {
    if ([...out.keys()].some((x) => x.toLowerCase() === k.toLowerCase())) {
      throw tvfError("DUPLICATE_ROUTINE_PARAMETER_ASSIGNMENT", t, `The argument ${k} is given more than once.`);
    }
    out.set(k, noteOption(k, optionValue(v, k, t)));
  }
  return out;
}

function take(opts: Map<string, string>, key: string): string | undefined {
  for (const [k, v] of opts) {
    if (k.toLowerCase() === key.toLowerCase()) {
      opts.delete(k);
      return v;
    }
  }
  return undefined;
}

function readFilesPlan(t: Token, fa: FunctionArgs, streaming: boolean): LogicalPlan {
  const paths = fa.args.map((a, i) => optionValue(a, `path ${i + 1}`, t));
  const opts = namedOptions(t, fa);
  const extraPath = take(opts, "path");
  if (extraPath !== undefined) paths.push(extraPath);
  if (paths.length === 0) throw tvfError("REQUIRED_PARAMETER_NOT_FOUND", t, "read_files() needs a path: read_files('in/', format => 'json').");
  const format = take(opts, "format");
  if (format === undefined) {
    throw tvfError("REQUIRED_PARAMETER_NOT_FOUND", t, "read_files() needs format => 'json' | 'csv' | 'parquet' | 'text' (Sluice does not infer the format).");
  }
  const schema = take(opts, "schema");
  const source = {
    format: format.toLowerCase(),
    paths,
    options: Object.fromEntries(opts),
    ...(schema === undefined ? {} : { userSchema: toStructType(schema) }),
  };
  return node({ kind: "read", source, streaming });
}

function readKafkaPlan(t: Token, fa: FunctionArgs, streaming: boolean): LogicalPlan {
  if (fa.args.length > 0) throw tvfError("INVALID_SQL_ARG", t, "read_kafka() takes named arguments only: read_kafka(bootstrapServers => 'host:9092', subscribe => 'topic').");
  const opts = namedOptions(t, fa);
  const servers = take(opts, "bootstrapServers");
  if (servers === undefined) throw tvfError("REQUIRED_PARAMETER_NOT_FOUND", t, "read_kafka() needs bootstrapServers => 'host:9092'.");
  const options: Record<string, string> = { "kafka.bootstrap.servers": servers, ...Object.fromEntries(opts) };
  return node({ kind: "read", source: { format: "kafka", paths: [], options }, streaming });
}

/** `VALUES (1, 'a'), (2, 'b')`: one projected row per tuple over a one-row range, unioned. */
export function valuesPlan(rows: readonly (readonly Expr[])[], names: readonly string[] | undefined, t: Token): LogicalPlan {
  const width = rows[0]!.length;
  if (rows.some((r) => r.length !== width)) {
    throw tvfError("INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH", t, `Every row of VALUES must have ${width} column(s).`);
  }
  if (names !== undefined && names.length !== width) {
    throw tvfError("ASSIGNMENT_ARITY_MISMATCH", t, `VALUES has ${width} column(s) but the alias names ${names.length}.`);
  }
  const colNames = names ?? rows[0]!.map((_, i) => `col${i + 1}`);
  const projects = rows.map((r) =>
    node({
      kind: "project",
      input: node({ kind: "range", start: 0, end: 1, step: 1 }),
      exprs: r.map((e, i): Expr => ({ kind: "alias", child: e, name: colNames[i]! })),
    }),
  );
  return projects.length === 1 ? projects[0]! : node({ kind: "union", inputs: projects, byName: false, allowMissingColumns: false });
}
