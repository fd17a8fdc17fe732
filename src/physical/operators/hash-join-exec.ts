/**
 * HashJoinExec: equi-join on key expressions, building on the right side.
 *
 * 1. Drain the right child into one batch, evaluate its keys and encode them with a
 *    GroupKeyEncoder (typed tables; NaN = NaN and -0.0 = 0.0 as Spark normalises join keys).
 *    Rows with a null key never match, except in keys compared null-safely (`<=>`).
 * 2. Index build rows by key id (counting sort: starts[] + rows[]), so a probe is two array reads.
 * 3. Stream the left child: look its keys up, list candidate pairs, and hand them to the
 *    JoinEmitter in chunks of about `batchSize` pairs (residual condition, join-type shaping).
 * 4. Right/full joins emit the never-matched build rows at the end.
 */
import type { ColumnBatch } from "../../columnar/column-batch.js";
import { concatBatches } from "../../columnar/column-batch.js";
import type { Vector } from "../../columnar/vector.js";
import type { CompiledExpr } from "../../expr/function-types.js";
import type { RExpr } from "../../expr/resolved-expr.js";
import type { JoinType } from "../../plan/logical-plan.js";
import type { StructType } from "../../types/struct-type.js";
import { type ExecutionPlan, type TaskContext, throwIfAborted } from "../execution-plan.js";
import { GroupKeyEncoder } from "../hash/group-key-encoder.js";
import { type DictionaryKind, dictionaryKindOf } from "../hash/key-dictionary.js";
import { type Compiler, exprToString } from "./describe.js";
import { JoinEmitter } from "./join-emitter.js";

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
  private readonly kinds: DictionaryKind[];

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
    const parts: ColumnBatch[] = [];
    for await (const b of this.right.execute(ctx)) if (b.numRows > 0) parts.push(b);
    throwIfAborted(ctx);
    const build = concatBatches(this.right.schema, parts);
    const encoder = new GroupKeyEncoder(
      this.keys.right.map((k) => k.type),
      { kinds: this.kinds, keepKeys: false },
    );
    const buildIds = this.keyIds(encoder, this.rightKeys.map((k) => k(build)), build.numRows, true);
    // Counting sort of build rows by key id.
    const numKeys = encoder.numGroups;
    const starts = new Int32Array(numKeys + 1);
    for (let i = 0; i < buildIds.length; i++) if (buildIds[i]! >= 0) starts[buildIds[i]! + 1]!++;
    for (let k = 0; k < numKeys; k++) starts[k + 1]! += starts[k]!;
    const byKey = new Int32Array(starts[numKeys]!);
    const fill = starts.slice(0, numKeys);
    for (let i = 0; i < buildIds.length; i++) if (buildIds[i]! >= 0) byKey[fill[buildIds[i]!]!++] = i;

    const emitter = new JoinEmitter(this.joinType, this.schema, this.left.schema, build, this.cond);
    const target = Math.max(1, ctx.batchSize);
    let li: Int32Array = new Int32Array(target);
    let ri: Int32Array = new Int32Array(target);
    for await (const batch of this.left.execute(ctx)) {
      throwIfAborted(ctx);
      const n = batch.numRows;
      if (n === 0) continue;
      const ids = this.keyIds(encoder, this.leftKeys.map((k) => k(batch)), n, false);
      let count = 0;
      let from = 0;
      for (let i = 0; i < n; i++) {
        const id = ids[i]!;
        if (id >= 0) {
          const s = starts[id]!;
          const e = starts[id + 1]!;
          if (count + (e - s) > li.length) {
            const cap = Math.max(li.length * 2, count + (e - s));
            li = grow(li, cap);
            ri = grow(ri, cap);
          }
          for (let j = s; j < e; j++) {
            li[count] = i;
            ri[count++] = byKey[j]!;
          }
        }
        if (count >= target || i === n - 1) {
          const out = emitter.emit(batch, from, i + 1, li, ri, count);
          if (out !== null) yield out;
          from = i + 1;
          count = 0;
        }
      }
    }
    const rest = emitter.finish();
    if (rest !== null) yield rest;
  }

  /** Key ids per row; -1 for rows whose key cannot match (a null in a non-null-safe key). */
  private keyIds(encoder: GroupKeyEncoder, keys: Vector[], n: number, insert: boolean): Int32Array {
    const ids = insert ? encoder.encode(keys, n) : encoder.lookup(keys, n);
    const nullSafe = this.keys.nullSafe;
    keys.forEach((v, k) => {
      if (v.validity === null || nullSafe?.[k] === true) return;
      for (let i = 0; i < n; i++) if (v.validity[i] === 0) ids[i] = -1;
    });
    return ids;
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

function grow(a: Int32Array, cap: number): Int32Array {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}
