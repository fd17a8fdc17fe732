/**
 * INTERSECT / EXCEPT (union nodes with `setOp`) → semi / anti joins, as Spark rewrites them:
 *   1. the two inputs are lined up by position and widened to common types as for UNION;
 *   2. their columns are renamed apart (`__sluice_l0..`, `__sluice_r0..`) so the join condition
 *      can name them: null-safe equality (`<=>`) on every column, so NULL matches NULL;
 *   3. DISTINCT forms: distinct(left semi|anti join);
 *      ALL forms: each side numbers its duplicates (row_number over all columns), and the
 *      number joins too: INTERSECT ALL keeps min(l, r) copies of a row, EXCEPT ALL l - r;
 *   4. the result takes the first input's column names and exprIds.
 * Streaming inputs are checked here, before the rewrite hides the operation, with Spark's
 * UnsupportedOperationChecker rules: no INTERSECT with a stream, no stream on the right of EXCEPT.
 * EXCEPT ALL with a streaming left side (which Spark's checker lets through) is refused too:
 * its duplicate numbering is a non-time window, which Sluice cannot run on a stream.
 */
import { checkSetOperationColumns } from "./variant-checks.js";
import { analysisError } from "../../common/errors.js";
import type { Expr } from "../../expr/expr.js";
import type { RExpr } from "../../expr/resolved-expr.js";
import { type LogicalPlan, type Union, node } from "../logical-plan.js";
import { type ResolvedPlan, isStreamingPlan } from "../resolved-plan.js";
import type { AnalyzeContext } from "./context.js";
import { resolveUnion } from "./union.js";
import { newAttribute } from "./scope.js";

const col = (name: string): Expr => ({ kind: "column", nameParts: [name] });
const call = (name: string, ...args: Expr[]): Expr => ({ kind: "call", name, args });
const ref = (i: number, p: ResolvedPlan): RExpr => ({ kind: "ref", index: i, type: p.output[i]!.type, nullable: p.output[i]!.nullable }) as RExpr;

/** `input` with its columns renamed `${prefix}0`, `${prefix}1`, ... */
function renamed(input: ResolvedPlan, prefix: string): LogicalPlan {
  const plan: ResolvedPlan = {
    kind: "project",
    input,
    exprs: input.output.map((_, i) => ref(i, input)),
    output: input.output.map((a, i) => newAttribute(`${prefix}${i}`, a.type, a.nullable)),
  };
  return node({ kind: "resolvedLeaf", plan });
}

/** Append `row_number() OVER (PARTITION BY every column ORDER BY 1) AS name`. */
function numbered(input: LogicalPlan, prefix: string, n: number, name: string): LogicalPlan {
  const cols = Array.from({ length: n }, (_, i) => col(`${prefix}${i}`));
  const rowNumber: Expr = {
    kind: "window",
    fn: call("row_number"),
    spec: { partitionBy: cols, orderBy: [{ kind: "sortOrder", child: { kind: "literal", value: 1, type: { kind: "int" } }, ascending: true, nullsFirst: true }] },
  };
  return node({ kind: "project", input, exprs: [{ kind: "star" }, { kind: "alias", child: rowNumber, name }] });
}

export function resolveSetOp(ctx: AnalyzeContext, p: Union & { setOp: "intersect" | "except" }): ResolvedPlan {
  const union = resolveUnion(ctx, { ...p, setOp: undefined, distinct: false });
  if (union.kind !== "union" || union.inputs.length !== 2) throw new Error(`${p.setOp} needs exactly two inputs`);
  checkStreaming(p.setOp, p.distinct === true, union.inputs[0]!, union.inputs[1]!);
  checkSetOperationColumns(union.output);
  const n = union.output.length;
  let left = renamed(union.inputs[0]!, "__sluice_l");
  let right = renamed(union.inputs[1]!, "__sluice_r");
  const conds = Array.from({ length: n }, (_, i) => call("eq_null_safe", col(`__sluice_l${i}`), col(`__sluice_r${i}`)));
  if (!p.distinct) {
    left = numbered(left, "__sluice_l", n, "__sluice_ln");
    right = numbered(right, "__sluice_r", n, "__sluice_rn");
    conds.push(call("eq", col("__sluice_ln"), col("__sluice_rn")));
  }
  const condition = conds.reduce((a, b) => call("and", a, b));
  let plan: LogicalPlan = node({ kind: "join", left, right, joinType: p.setOp === "intersect" ? "left_semi" : "left_anti", condition });
  if (p.distinct) plan = node({ kind: "distinct", input: plan });
  const resolved = ctx.analyze(plan);
  return {
    kind: "project",
    input: resolved,
    exprs: union.output.map((_, i) => ref(i, resolved)),
    output: union.output.map((a, i) => ({ ...a, nullable: resolved.output[i]!.nullable })),
  };
}

function checkStreaming(op: "intersect" | "except", distinct: boolean, left: ResolvedPlan, right: ResolvedPlan): void {
  const l = isStreamingPlan(left);
  const r = isStreamingPlan(right);
  if (op === "intersect" && (l || r)) {
    throw analysisError("STREAMING_INTERSECT_NOT_SUPPORTED", "Intersect of streaming DataFrames/Datasets is not supported. Use an inner join of the stream with the static DataFrame (and dropDuplicates()) instead.");
  }
  if (op === "except" && r) {
    throw analysisError("STREAMING_EXCEPT_NOT_SUPPORTED", "Except on a streaming DataFrame/Dataset on the right is not supported. Put the stream on the left, or use a left anti join.");
  }
  if (op === "except" && l && !distinct) {
    throw analysisError("STREAMING_EXCEPT_ALL_NOT_SUPPORTED", "exceptAll() (EXCEPT ALL) with a streaming DataFrame is not supported by Sluice: use subtract() (EXCEPT DISTINCT) or a left anti join with the static DataFrame.");
  }
}
