/**
 * ProjectExec: evaluates one compiled expression per output column over each input batch.
 *
 * `monotonically_increasing_id()` is physical in Spark (partition index << 33 plus the row's
 * position in its partition). Sluice runs a plan as partition 0, so the id is a row counter
 * across this operator's input batches: each such call is rewritten to a reference to an extra
 * BIGINT column appended to the input batch.
 */
import type { ColumnBatch } from "../../columnar/column-batch.js";
import { makeBatch } from "../../columnar/column-batch.js";
import { makeVector } from "../../columnar/vector.js";
import type { CompiledExpr } from "../../expr/function-types.js";
import type { RExpr } from "../../expr/resolved-expr.js";
import { LongType } from "../../types/data-type.js";
import { StructType } from "../../types/struct-type.js";
import { type ExecutionPlan, type TaskContext, throwIfAborted } from "../execution-plan.js";
import { type Compiler, exprsToString } from "./describe.js";

const ROW_ID_FUNCTION = "monotonically_increasing_id";

export class ProjectExec implements ExecutionPlan {
  readonly name = "ProjectExec";
  readonly children: readonly ExecutionPlan[];
  private readonly compiled: readonly CompiledExpr[];
  private readonly needsRowId: boolean;

  constructor(
    readonly child: ExecutionPlan,
    readonly exprs: readonly RExpr[],
    readonly schema: StructType,
    compile: Compiler,
  ) {
    this.children = [child];
    const width = child.schema.length;
    let needsRowId = false;
    const rewritten = exprs.map((e) =>
      replaceCalls(e, ROW_ID_FUNCTION, () => {
        needsRowId = true;
        return { kind: "ref", index: width, type: LongType, nullable: false, name: ROW_ID_FUNCTION };
      }),
    );
    this.needsRowId = needsRowId;
    this.compiled = rewritten.map(compile);
  }

  async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    let rowId = 0;
    const withIdSchema = this.needsRowId ? new StructType([...this.child.schema.fields, { name: ROW_ID_FUNCTION, type: LongType, nullable: false }]) : null;
    for await (let batch of this.child.execute(ctx)) {
      throwIfAborted(ctx);
      if (withIdSchema !== null) {
        const ids = new Float64Array(batch.numRows);
        for (let i = 0; i < ids.length; i++) ids[i] = rowId++;
        batch = makeBatch(withIdSchema, [...batch.columns, makeVector(LongType, ids)], batch.numRows);
      }
      const input = batch;
      yield makeBatch(
        this.schema,
        this.compiled.map((f) => f(input)),
        input.numRows,
      );
    }
  }

  describe(): string {
    return `${this.name}: [${exprsToString(this.exprs)}]`;
  }
}

/** Replace every call of the named function (anywhere in `e`) by `by()`. */
export function replaceCalls(e: RExpr, fnName: string, by: () => RExpr): RExpr {
  switch (e.kind) {
    case "call":
      if (e.fn.name === fnName) return by();
      return { ...e, args: e.args.map((a) => replaceCalls(a, fnName, by)) };
    case "cast":
      return { ...e, child: replaceCalls(e.child, fnName, by) };
    case "case":
      return {
        ...e,
        branches: e.branches.map(([w, t]) => [replaceCalls(w, fnName, by), replaceCalls(t, fnName, by)] as const),
        otherwise: e.otherwise === null ? null : replaceCalls(e.otherwise, fnName, by),
      };
    case "lambda":
      return { ...e, body: replaceCalls(e.body, fnName, by) };
    default:
      return e;
  }
}
