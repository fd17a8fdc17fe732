/**
 * `fn.over(spec)` → RWindowCall. Ranking functions (requiresOrder) need an ORDER BY and always use
 * ROWS UNBOUNDED PRECEDING..CURRENT ROW; lag/lead use a one-row frame at their offset; nth_value
 * (usesFrame) needs an ORDER BY too but, like aggregates, takes the user's frame or Spark's
 * default: RANGE UNBOUNDED PRECEDING..CURRENT ROW with an ORDER BY, the whole partition (ROWS
 * UNBOUNDED..UNBOUNDED) without.
 */
import { analysisError } from "../../common/errors.js";
import type { FrameBoundary, WindowExpr, WindowFrame } from "../../expr/expr.js";
import type { RExpr } from "../../expr/resolved-expr.js";
import { sameType } from "../../types/data-type.js";
import type { RSortOrder, RWindowCall } from "../resolved-plan.js";
import { type ExprResolver, argInfo, implicitCast, windowFrames } from "./resolve-expr.js";

const ROWS_TO_CURRENT: WindowFrame = { type: "rows", start: { kind: "unboundedPreceding" }, end: { kind: "currentRow" } };
const RANGE_TO_CURRENT: WindowFrame = { type: "range", start: { kind: "unboundedPreceding" }, end: { kind: "currentRow" } };
const WHOLE_PARTITION: WindowFrame = { type: "rows", start: { kind: "unboundedPreceding" }, end: { kind: "unboundedFollowing" } };


const castTo = (args: readonly RExpr[], types: readonly (import("../../types/data-type.js").DataType | undefined)[]): RExpr[] =>
  args.map((a, i) => (types[i] === undefined || sameType(a.type, types[i]!) ? a : implicitCast(a, types[i]!)));

const DAY_US = 86_400_000_000;

/**
 * RANGE offsets written as INTERVALs (unit "microsecond") → the order key's stored unit:
 * microseconds for TIMESTAMP, whole days for DATE. Other order keys are Spark's
 * DATATYPE_MISMATCH (SPECIFIED_WINDOW_FRAME_UNACCEPTED_TYPE / RANGE_FRAME_INVALID_TYPE).
 */
function intervalFrame(frame: WindowFrame, orderBy: readonly RSortOrder[]): WindowFrame {
  const conv = (b: FrameBoundary): FrameBoundary => {
    if (b.kind !== "offset" || b.unit !== "microsecond") return b;
    const t = frame.type === "range" && orderBy.length === 1 ? orderBy[0]!.expr.type : undefined;
    if (t?.kind === "timestamp") return { kind: "offset", value: b.value };
    if (t?.kind === "date" && b.value % DAY_US === 0) return { kind: "offset", value: b.value / DAY_US };
    const why =
      frame.type !== "range"
        ? "an INTERVAL frame boundary needs RANGE, not ROWS"
        : orderBy.length !== 1
          ? "a RANGE frame with an INTERVAL boundary needs exactly one ORDER BY expression"
          : t?.kind === "date"
            ? "a DATE order key takes only whole-day INTERVALs"
            : `an INTERVAL frame boundary needs a TIMESTAMP or DATE order key, not ${t?.kind.toUpperCase() ?? "none"}`;
    throw analysisError("DATATYPE_MISMATCH", `Cannot resolve the window frame due to data type mismatch: ${why}. Use numeric offsets or order by a TIMESTAMP column.`, {
      subclass: "SPECIFIED_WINDOW_FRAME_UNACCEPTED_TYPE",
    });
  };
  return frame.start.kind === "offset" || frame.end.kind === "offset" ? { ...frame, start: conv(frame.start), end: conv(frame.end) } : frame;
}

export function resolveWindowCall(resolver: ExprResolver, w: WindowExpr): RWindowCall {
  const env = resolver.env;
  const fnExpr = w.fn;
  const shown = resolver.name(w.fn);
  if (fnExpr.kind !== "call") {
    throw analysisError("UNSUPPORTED_EXPR_FOR_WINDOW", `Expression "${shown}" not supported within a window function; use a ranking, offset or aggregate function with over().`);
  }
  const plain = resolver.with("window");
  const partitionBy = w.spec.partitionBy.map((p) => plain.resolve(p));
  const orderBy: RSortOrder[] = w.spec.orderBy.map((o) => ({ expr: plain.resolve(o.child), ascending: o.ascending, nullsFirst: o.nullsFirst }));
  const args = plain.with("aggregateArg").resolveArgs(fnExpr.args);
  const infos = args.map((a) => argInfo(a, env.eval));
  const windowFn = env.functions.window(fnExpr.name);
  const aggFn = windowFn ? undefined : env.functions.aggregate(fnExpr.name);
  let call: RWindowCall;
  if (windowFn) {
    const sig = windowFn.resolve(infos, env.eval);
    if (sig.requiresOrder && orderBy.length === 0) {
      throw analysisError(
        "WINDOW_FUNCTION_WITHOUT_ORDER",
        `Window function ${shown} requires window to be ordered; add orderBy() to the window spec, e.g. Window.partitionBy(...).orderBy(...).`,
        { routine: fnExpr.name },
      );
    }
    const userFrame = w.spec.frame ? intervalFrame(w.spec.frame, orderBy) : orderBy.length > 0 ? RANGE_TO_CURRENT : WHOLE_PARTITION;
    let frame = sig.requiresOrder && windowFn.usesFrame !== true ? ROWS_TO_CURRENT : userFrame;
    if (fnExpr.name === "lag" || fnExpr.name === "lead") {
      const offArg = args[1];
      const off = offArg?.kind === "literal" && typeof offArg.value === "number" ? offArg.value : 1;
      const at = fnExpr.name === "lag" ? -off : off;
      frame = { type: "rows", start: { kind: "offset", value: at }, end: { kind: "offset", value: at } };
    }
    call = {
      fn: { kind: "window", impl: windowFn },
      args: castTo(args, sig.argTypes),
      literals: infos.map((i) => i.literal?.value),
      ignoreNulls: fnExpr.ignoreNulls === true,
      partitionBy,
      orderBy,
      frame,
      type: sig.returnType,
      stateTypes: [],
    };
  } else if (aggFn) {
    if (fnExpr.name === "median" && (orderBy.length > 0 || w.spec.frame)) {
      // Spark 4.0 refuses an ordered or framed window for median (not for percentile or mode)
      throw analysisError("INVALID_WINDOW_SPEC_FOR_AGGREGATION_FUNC", `Cannot specify ORDER BY or a window frame for "${shown}". Use percentile(x, 0.5) for a running median.`, {
        routine: fnExpr.name,
      });
    }
    const sig = aggFn.resolve(infos, env.eval, fnExpr.distinct === true);
    call = {
      fn: { kind: "aggregate", impl: aggFn },
      args: castTo(args, sig.argTypes),
      literals: infos.map((i) => i.literal?.value),
      ignoreNulls: fnExpr.ignoreNulls === true,
      partitionBy,
      orderBy,
      frame: w.spec.frame ? intervalFrame(w.spec.frame, orderBy) : orderBy.length > 0 ? RANGE_TO_CURRENT : WHOLE_PARTITION,
      type: sig.returnType,
      stateTypes: sig.stateTypes,
    };
  } else if (env.functions.scalar(fnExpr.name)) {
    throw analysisError("UNSUPPORTED_EXPR_FOR_WINDOW", `Expression "${shown}" not supported within a window function; only ranking, offset and aggregate functions can be used with over().`);
  } else {
    throw resolver.unknownFunction(fnExpr.name);
  }
  windowFrames.set(w, call.frame);
  return call;
}
