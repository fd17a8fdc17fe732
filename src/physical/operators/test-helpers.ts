/**
 * Test support for the Exec tests: a tiny compiler for refs, literals and calls (until
 * expr/compile.ts is used), a few scalar functions, simple aggregates and window functions, and
 * row helpers. Not imported by production code.
 */
import { exactJson } from "../../columnar/values.js";
import { type ColumnBatch, VectorBuilder, batchFromRows, batchToRows, getValue } from "../../columnar/column-batch.js";
import { type Vector, constantVector, makeVector } from "../../columnar/vector.js";
import type { AggregateFunction, CompiledExpr, GroupAccumulator, ScalarFunction, WindowFunction } from "../../expr/function-types.js";
import type { RExpr } from "../../expr/resolved-expr.js";
import type { RAggCall } from "../../plan/resolved-plan.js";
import { BooleanType, type DataType, DoubleType, IntegerType, LongType } from "../../types/data-type.js";
import { StructType } from "../../types/struct-type.js";
import { type ExecutionPlan, type TaskContext, collectBatches } from "../execution-plan.js";
import { compareNumbers } from "../sort-compare.js";
import type { Compiler } from "./describe.js";
import { LocalRelationExec } from "./local-relation-exec.js";

export const ctx: TaskContext = { eval: { timeZone: "UTC", ansi: true, currentTimestampUs: 0 }, batchSize: 1024 };

export const shimCompile: Compiler = (e: RExpr): CompiledExpr => {
  switch (e.kind) {
    case "ref":
      return (b) => b.columns[e.index]!;
    case "literal":
      return (b) => constantVector(e.type, e.value, b.numRows);
    case "call":
      return e.fn.compile(e.args.map(shimCompile), e.args, e.type, ctx.eval);
    default:
      throw new Error(`shim cannot compile ${e.kind}`);
  }
};

/** A row-at-a-time scalar function over engine values (null in → null out). */
function scalar(name: string, type: DataType, f: (a: unknown, b: unknown) => unknown): ScalarFunction {
  return {
    name,
    resolve: () => ({ argTypes: [], returnType: type }),
    compile: (args) => (batch: ColumnBatch) => {
      const vs = args.map((a) => a(batch));
      const b = new VectorBuilder(type, batch.numRows);
      for (let i = 0; i < batch.numRows; i++) {
        const x = getValue(vs[0]!, i);
        const y = vs[1] ? getValue(vs[1], i) : 0;
        b.append(x === null || y === null ? null : f(x, y));
      }
      return b.finish();
    },
  };
}

export const GT = scalar("gt", BooleanType, (a, b) => compareNumbers(a as number, b as number) > 0);
export const LT = scalar("lt", BooleanType, (a, b) => compareNumbers(a as number, b as number) < 0);
export const EQ = scalar("eq", BooleanType, (a, b) => a === b);
export const ADD = scalar("add", LongType, (a, b) => BigInt(a as bigint) + BigInt(b as bigint));

export const ref = (index: number, type: DataType, name = `c${index}`, nullable = true): RExpr => ({ kind: "ref", index, type, nullable, name });
export const lit = (value: unknown, type: DataType): RExpr => ({ kind: "literal", value, type });
export const call = (fn: ScalarFunction, args: RExpr[], type: DataType = fn === ADD ? LongType : BooleanType): RExpr => ({
  kind: "call",
  fn,
  args,
  type,
  nullable: true,
});

export function relation(ddl: string, ...batches: Record<string, unknown>[][]): LocalRelationExec {
  const schema = StructType.fromDDL(ddl);
  return new LocalRelationExec(
    schema,
    batches.map((rows) => batchFromRows(schema, rows)),
  );
}

export async function rows(plan: ExecutionPlan, context: TaskContext = ctx): Promise<Record<string, unknown>[]> {
  return (await collectBatches(plan, context)).flatMap(batchToRows);
}

/** Rows as compact arrays, for order-independent comparison use `.sort()` on the JSON. */
export async function tuples(plan: ExecutionPlan, context: TaskContext = ctx): Promise<unknown[][]> {
  return (await rows(plan, context)).map((r) => Object.values(r));
}

/** JSON texts sorted; a bigint is written as its exact digits (so 3n and 3 have the same text). */
export const sortedJson = (xs: unknown[]): string[] =>
  xs.map((x) => exactJson(x)).sort();

/** A generic accumulator keeping per-group JS values (for tests only). */
class ListAccumulator implements GroupAccumulator {
  private lists: unknown[][] = [];
  constructor(
    private readonly type: DataType,
    private readonly finish: (xs: unknown[]) => unknown,
    private readonly argCount: number,
  ) {}
  update(groupIds: Int32Array, args: readonly Vector[], numRows: number, numGroups: number): void {
    while (this.lists.length < numGroups) this.lists.push([]);
    for (let i = 0; i < numRows; i++) {
      const x = this.argCount === 0 ? 1 : getValue(args[0]!, i);
      this.lists[groupIds[i]!]!.push(x);
    }
  }
  evaluate(numGroups: number): Vector {
    while (this.lists.length < numGroups) this.lists.push([]);
    const b = new VectorBuilder(this.type, numGroups);
    for (let g = 0; g < numGroups; g++) b.append(this.finish(this.lists[g]!));
    return b.finish();
  }
  state(): Vector[] {
    throw new Error("not in tests");
  }
  merge(): void {
    throw new Error("not in tests");
  }
}

function testAgg(name: string, type: DataType, finish: (xs: unknown[]) => unknown): AggregateFunction {
  return {
    name,
    resolve: () => ({ argTypes: [], returnType: type, stateTypes: [] }),
    create: (argTypes) => new ListAccumulator(type, finish, argTypes.length),
  };
}

const nonNull = <T = number>(xs: unknown[]): T[] => xs.filter((x) => x !== null) as T[];
export const SUM = testAgg("sum", LongType, (xs) => (nonNull(xs).length === 0 ? null : nonNull(xs).reduce((a, b) => a + BigInt(b), 0n)));
export const DSUM = testAgg("sum", DoubleType, (xs) => (nonNull(xs).length === 0 ? null : nonNull(xs).reduce((a, b) => a + b, 0)));
export const COUNT = testAgg("count", LongType, (xs) => nonNull(xs).length);
export const MAX = testAgg("max", LongType, (xs) => (nonNull(xs).length === 0 ? null : nonNull<bigint>(xs).reduce((a, b) => (b > a ? b : a))));
export const FIRST = testAgg("first", LongType, (xs) => (xs.length === 0 ? null : xs[0]));

export function aggCall(fn: AggregateFunction, args: RExpr[], extra: Partial<RAggCall> = {}): RAggCall {
  const type = fn === DSUM ? DoubleType : LongType;
  return { fn, args, distinct: false, ignoreNulls: false, type, stateTypes: [], literals: args.map(() => undefined), name: `${fn.name}(...)`, ...extra };
}

export const ROW_NUMBER: WindowFunction = {
  name: "row_number",
  resolve: () => ({ argTypes: [], returnType: IntegerType, requiresOrder: true }),
  evaluate: (_args, n) => makeVector(IntegerType, Int32Array.from({ length: n }, (_, i) => i + 1)),
};
export const RANK: WindowFunction = {
  name: "rank",
  resolve: () => ({ argTypes: [], returnType: IntegerType, requiresOrder: true }),
  evaluate: (_args, n, peer) => {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i === 0 || peer[i] === 1 ? i + 1 : out[i - 1]!;
    return makeVector(IntegerType, out);
  },
};
export const LAG: WindowFunction = {
  name: "lag",
  resolve: () => ({ argTypes: [], returnType: LongType, requiresOrder: true }),
  evaluate: (args, n) => {
    const b = new VectorBuilder(LongType, n);
    for (let i = 0; i < n; i++) b.append(i === 0 ? null : getValue(args[0]!, i - 1));
    return b.finish();
  },
};
