/** Structural helpers over resolved expressions: keys for equality, ref rewriting, ref sets. */
import { getValue, makeBatch } from "../../columnar/column-batch.js";
import { compileExpr } from "../../expr/compile.js";
import type { EvalContext } from "../../expr/function-types.js";
import type { RExpr } from "../../expr/resolved-expr.js";
import { StructType } from "../../types/struct-type.js";
import { simpleString } from "../../types/data-type.js";

/** A canonical string; equal keys mean semantically equal expressions over the same input. */
export function rexprKey(r: RExpr): string {
  switch (r.kind) {
    case "ref":
      return `#${r.index}`;
    case "literal":
      return `lit<${simpleString(r.type)}>${JSON.stringify(r.value, (_k, v: unknown) => (v instanceof Map ? [...v] : v instanceof Uint8Array ? [...v] : typeof v === "bigint" ? `${v}n` : v))}`;
    case "call":
      return `${r.fn.name}(${r.args.map(rexprKey).join(",")})`;
    case "cast":
      return `${r.mode}(${rexprKey(r.child)} as ${simpleString(r.type)})`;
    case "case":
      return `case(${r.branches.map(([c, v]) => `${rexprKey(c)}:${rexprKey(v)}`).join(";")};${r.otherwise ? rexprKey(r.otherwise) : ""})`;
    case "lambda":
      return `lambda(${r.params.map((p) => p.name).join(",")})->${rexprKey(r.body)}`;
    case "lambdaVar":
      return `$${r.slot}`;
  }
}

/** Rewrite every ref through `f`. */
export function mapRefs(r: RExpr, f: (index: number) => number): RExpr {
  switch (r.kind) {
    case "ref":
      return { ...r, index: f(r.index) };
    case "call":
      return { ...r, args: r.args.map((a) => mapRefs(a, f)) };
    case "cast":
      return { ...r, child: mapRefs(r.child, f) };
    case "case":
      return {
        ...r,
        branches: r.branches.map(([c, v]) => [mapRefs(c, f), mapRefs(v, f)] as const),
        otherwise: r.otherwise ? mapRefs(r.otherwise, f) : null,
      };
    case "lambda":
      return { ...r, body: mapRefs(r.body, f) };
    default:
      return r;
  }
}

/** Input column indices an expression reads. */
export function refIndices(r: RExpr, out: Set<number> = new Set()): Set<number> {
  mapRefs(r, (i) => (out.add(i), i));
  return out;
}

/**
 * The value of a constant expression (no column references, lambda variables or
 * non-deterministic calls), evaluated once; undefined when it is not constant or fails to
 * evaluate (the error then surfaces at run time, as in Spark). Spark folds such arguments
 * (e.g. `percentile_approx(x, array(0.25, 0.75))`) before functions see them.
 */
export function constantValue(r: RExpr, ctx: EvalContext): { value: unknown } | undefined {
  if (r.kind === "literal") return { value: r.value };
  const constant = (e: RExpr): boolean => {
    switch (e.kind) {
      case "literal":
        return true;
      case "cast":
        return constant(e.child);
      case "call":
        return e.fn.deterministic !== false && e.args.every(constant);
      case "case":
        return e.branches.every(([c, v]) => constant(c) && constant(v)) && (e.otherwise === null || constant(e.otherwise));
      default:
        return false;
    }
  };
  if (!constant(r)) return undefined;
  try {
    const v = compileExpr(r, ctx)(ONE_ROW);
    return { value: getValue(v, 0) };
  } catch {
    return undefined;
  }
}

const ONE_ROW = makeBatch(new StructType([]), [], 1);
