/**
 * HashJoinExec: equi-join on key expressions, building on the right side.
 *
 * 1. Drain the right child into one batch and build its hash table (hash-join-table.ts).
 * 2. Stream the left child through the table's probe.
 * 3. Right/full joins emit the never-matched build rows at the end.
 */
import type { ColumnBatch } from "../../columnar/column-batch.js";
import { concatBatches } from "../../columnar/column-batch.js";
import type { CompiledExpr } from "../../expr/function-types.js";
import type { RExpr } from "../../expr/resolved-expr.js";
import type { JoinType } from "../../plan/logical-plan.js";
import type { StructType } from "../../types/struct-type.js";
import { type ExecutionPlan, type TaskContext, throwIfAborted } from "../execution-plan.js";
import { type DictionaryKind, dictionaryKindOf } from "../hash/key-dictionary.js";
import { type Compiler, exprToString } from "./describe.js";
import { HashJoinTable } from "./hash-join-table.js";

export interface HashJoinKeys {
  readonly left: readonly RExpr[];
  readonly right: readonly RExpr[];
  /** Per key: true when compared with `<=>` (null matches null). */
  readonly nullSafe?: readonly boolean[];
}

export class HashJoinExec implements ExecutionPlan {
  readonly name = "HashJoinExec";
  readonly children: readonly ExecutionPlan[];
  private readonly leftKeys: readonly CompiledExpr[];
  private readonly rightKeys: readonly CompiledExpr[];
  private readonly cond: CompiledExpr | null;
  /** Per key, the dictionary kind both sides share. */
  readonly kinds: DictionaryKind[];

  constructor(
    readonly left: ExecutionPlan,
    readonly right: ExecutionPlan,
    readonly joinType: JoinType,
    readonly keys: HashJoinKeys,
    readonly condition: RExpr | undefined,
    readonly schema: StructType,
    compile: Compiler,
  ) {
    this.children = [left, right];
    this.leftKeys = keys.left.map(compile);
    this.rightKeys = keys.right.map(compile);
    this.cond = condition ? compile(condition) : null;
    this.kinds = keys.left.map((l, i) => joinKind(dictionaryKindOf(l.type), dictionaryKindOf(keys.right[i]!.type)));
  }

  async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    yield* this.probeWith(this.buildTable(await this.collectBuild(ctx)), this.left.execute(ctx), ctx);
  }

  /** The build (right) side's rows as one batch. */
  async collectBuild(ctx: TaskContext): Promise<ColumnBatch> {
    const parts: ColumnBatch[] = [];
    for await (const b of this.right.execute(ctx)) if (b.numRows > 0) parts.push(b);
    throwIfAborted(ctx);
    return concatBatches(this.right.schema, parts);
  }

  /** The joined rows of `left` against `table`, then (right/full joins) the never-matched build rows. */
  async *probeWith(table: HashJoinTable, left: AsyncIterable<ColumnBatch>, ctx: TaskContext): AsyncIterable<ColumnBatch> {
    for await (const batch of left) {
      throwIfAborted(ctx);
      yield* table.probe(batch, ctx.batchSize);
    }
    const rest = table.finish();
    if (rest !== null) yield rest;
  }

  /** The hash table over the build (right) rows, for probing left batches (here, or in a worker over a broadcast build side). */
  buildTable(build: ColumnBatch): HashJoinTable {
    return new HashJoinTable(this.joinType, this.schema, this.left.schema, build, this.leftKeys, this.rightKeys, this.keys.right.map((k) => k.type), this.kinds, this.keys.nullSafe, this.cond);
  }

  describe(): string {
    const pairs = this.keys.left.map((l, i) => `${exprToString(l)} ${this.keys.nullSafe?.[i] ? "<=>" : "="} ${exprToString(this.keys.right[i]!)}`);
    const cond = this.condition ? `, condition=${exprToString(this.condition)}` : "";
    return `${this.name}: ${this.joinType}, [${pairs.join(", ")}]${cond}`;
  }
}

/** Both sides of a key must share one dictionary kind: INT meets BIGINT exactly, other numbers as 64-bit floats. */
function joinKind(l: DictionaryKind, r: DictionaryKind): DictionaryKind {
  if (l === r) return l;
  if ((l === "i32" || l === "i64") && (r === "i32" || r === "i64")) return "i64";
  if ((l === "i32" || l === "f64" || l === "i64") && (r === "i32" || r === "f64" || r === "i64")) return "f64";
  return "obj";
}
