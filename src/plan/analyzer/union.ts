/**
 * union / unionByName → RUnion over inputs projected to the same column order and types.
 * Column types widen to their common type (INCOMPATIBLE_COLUMN_TYPE when there is none); the
 * output takes the first input's names and exprIds, nullable if any input is. By name, missing
 * columns are an error unless allowMissingColumns fills them with nulls (extra columns of later
 * inputs are appended). A different column count by position is NUM_COLUMNS_MISMATCH.
 */
import { analysisError } from "../../common/errors.js";
import type { RExpr } from "../../expr/resolved-expr.js";
import { commonType } from "../../types/coercion.js";
import { type DataType, sameType, sqlTypeName } from "../../types/data-type.js";
import type { Union } from "../logical-plan.js";
import type { Attribute, ResolvedPlan } from "../resolved-plan.js";
import type { AnalyzeContext } from "./context.js";
import { ExprResolver, implicitCast } from "./resolve-expr.js";
import { findColumn, newAttribute, quoteParts } from "./scope.js";

const ORDINALS = ["first", "second", "third", "fourth", "fifth"];
const ordinal = (i: number): string => ORDINALS[i] ?? `${i + 1}th`;
const nth = (i: number): string => `${i + 1}${i === 0 ? "st" : i === 1 ? "nd" : i === 2 ? "rd" : "th"}`;

export function resolveUnion(ctx: AnalyzeContext, p: Union): ResolvedPlan {
  const env = ctx.env;
  const inputs = p.inputs.map((i) => ctx.analyze(i));
  const first = inputs[0]!;
  // Each input as a list of column sources: an index into its output, or null (missing, by name).
  let layout: (number | null)[][];
  let names: Attribute[] = [...first.output];
  if (p.byName) {
    for (const inp of inputs.slice(1)) {
      for (const a of inp.output) {
        if (!findColumn(names, [a.name], env.caseSensitive)) {
          if (!p.allowMissingColumns) {
            throw analysisError(
              "NUM_COLUMNS_MISMATCH",
              `unionByName: column ${quoteParts([a.name])} of a later input is missing from the first input ([${first.output.map((x) => quoteParts([x.name])).join(", ")}]). Pass allowMissingColumns=true to fill missing columns with nulls.`,
              { column: a.name },
            );
          }
          names.push({ ...a, nullable: true });
        }
      }
    }
    layout = inputs.map((inp) =>
      names.map((a) => {
        const m = findColumn(inp.output, [a.name], env.caseSensitive);
        if (m) return m.index;
        if (!p.allowMissingColumns) {
          throw analysisError(
            "UNRESOLVED_COLUMN_AMONG_FIELD_NAMES",
            `Cannot resolve column name ${quoteParts([a.name])} among (${inp.output.map((x) => x.name).join(", ")}) in unionByName. Pass allowMissingColumns=true to fill missing columns with nulls.`,
            { column: a.name },
          );
        }
        return null;
      }),
    );
  } else {
    inputs.forEach((inp, i) => {
      if (i > 0 && inp.output.length !== first.output.length) {
        throw analysisError(
          "NUM_COLUMNS_MISMATCH",
          `UNION can only be performed on inputs with the same number of columns, but the first input has ${first.output.length} columns and the ${ordinal(i)} input has ${inp.output.length} columns.`,
        );
      }
    });
    layout = inputs.map((inp) => inp.output.map((_, j) => j));
  }
  const types: DataType[] = names.map((a, j) => {
    const ts = inputs.flatMap((inp, i) => (layout[i]![j] === null ? [] : [inp.output[layout[i]![j]!]!.type]));
    const t = commonType(ts);
    if (!t) {
      const bad = inputs.findIndex((inp, i) => i > 0 && layout[i]![j] !== null && !commonType([ts[0]!, inp.output[layout[i]![j]!]!.type]));
      throw analysisError(
        "INCOMPATIBLE_COLUMN_TYPE",
        `UNION can only be performed on inputs with compatible column types. The ${nth(j)} column of the ${ordinal(Math.max(bad, 1))} input is "${sqlTypeName(ts[Math.max(bad, 1)] ?? ts[1]!)}" type which is not compatible with "${sqlTypeName(ts[0]!)}" at the same column of the first input. Cast the column explicitly.`,
        { column: a.name },
      );
    }
    return t;
  });
  const projected = inputs.map((inp, i) => {
    const cols = layout[i]!;
    const identity = cols.length === inp.output.length && cols.every((c, j) => c === j && sameType(inp.output[j]!.type, types[j]!));
    if (identity) return inp;
    const r = new ExprResolver(env, inp.output);
    const exprs: RExpr[] = cols.map((c, j) => {
      if (c === null) return { kind: "literal", value: null, type: types[j]! };
      const ref = r.ref(c);
      return sameType(ref.type, types[j]!) ? ref : implicitCast(ref, types[j]!);
    });
    const output = cols.map((c, j) =>
      c !== null && sameType(inp.output[c]!.type, types[j]!) ? inp.output[c]! : newAttribute(names[j]!.name, types[j]!, c === null || inp.output[c]!.nullable),
    );
    return { kind: "project", input: inp, exprs, output } as ResolvedPlan;
  });
  names = names.map((a, j) => ({
    ...a,
    type: types[j]!,
    nullable: projected.some((inp) => inp.output[j]!.nullable),
  }));
  const union: ResolvedPlan = { kind: "union", inputs: projected, output: names };
  if (!p.distinct) return union;
  return { kind: "dropDuplicates", input: union, keys: names.map((_, i) => i), withinWatermark: false, output: names };
}
