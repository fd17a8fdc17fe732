/**
 * The hash table of a HashJoinExec's build (right) side and the probe of left batches against it,
 * apart from the exec so that a worker thread can build it once over a broadcast build side and
 * probe many scan pieces (parallel/join-fragment.ts).
 *
 * The build rows' keys are encoded with a GroupKeyEncoder (typed tables; NaN = NaN and
 * -0.0 = 0.0 as Spark normalises join keys) and indexed by key id with a counting sort
 * (starts[] + rows[]), so a probe is two array reads. Rows with a null key never match, except
 * in keys compared null-safely (`<=>`). Candidate pairs go to the JoinEmitter in chunks of about
 * `batchSize` pairs; right/full joins emit the never-matched build rows at `finish`.
 */
import type { ColumnBatch } from "../../columnar/column-batch.js";
import type { Vector } from "../../columnar/vector.js";
import type { CompiledExpr } from "../../expr/function-types.js";
import type { JoinType } from "../../plan/logical-plan.js";
import type { DataType } from "../../types/data-type.js";
import type { StructType } from "../../types/struct-type.js";
import { GroupKeyEncoder } from "../hash/group-key-encoder.js";
import type { DictionaryKind } from "../hash/key-dictionary.js";
import { JoinEmitter } from "./join-emitter.js";

export class HashJoinTable {
  private readonly encoder: GroupKeyEncoder;
  private readonly starts: Int32Array;
  private readonly byKey: Int32Array;
  private readonly emitter: JoinEmitter;
  private li: Int32Array = new Int32Array(0);
  private ri: Int32Array = new Int32Array(0);

  constructor(
    joinType: JoinType,
    schema: StructType,
    leftSchema: StructType,
    build: ColumnBatch,
    private readonly leftKeys: readonly CompiledExpr[],
    rightKeys: readonly CompiledExpr[],
    keyTypes: readonly DataType[],
    kinds: DictionaryKind[],
    private readonly nullSafe: readonly boolean[] | undefined,
    condition: CompiledExpr | null,
  ) {
    this.encoder = new GroupKeyEncoder(keyTypes, { kinds, keepKeys: false });
    const buildIds = this.keyIds(
      rightKeys.map((k) => k(build)),
      build.numRows,
      true,
    );
    const numKeys = this.encoder.numGroups;
    const starts = new Int32Array(numKeys + 1);
    for (let i = 0; i < buildIds.length; i++) if (buildIds[i]! >= 0) starts[buildIds[i]! + 1]!++;
    for (let k = 0; k < numKeys; k++) starts[k + 1]! += starts[k]!;
    const byKey = new Int32Array(starts[numKeys]!);
    const fill = starts.slice(0, numKeys);
    for (let i = 0; i < buildIds.length; i++) if (buildIds[i]! >= 0) byKey[fill[buildIds[i]!]!++] = i;
    this.starts = starts;
    this.byKey = byKey;
    this.emitter = new JoinEmitter(joinType, schema, leftSchema, build, condition);
  }

  /** The joined rows of one left batch, in chunks of about `batchSize` candidate pairs. */
  *probe(batch: ColumnBatch, batchSize: number): Generator<ColumnBatch> {
    const n = batch.numRows;
    if (n === 0) return;
    const target = Math.max(1, batchSize);
    if (this.li.length < target) {
      this.li = new Int32Array(target);
      this.ri = new Int32Array(target);
    }
    const { starts, byKey } = this;
    const ids = this.keyIds(
      this.leftKeys.map((k) => k(batch)),
      n,
      false,
    );
    let count = 0;
    let from = 0;
    for (let i = 0; i < n; i++) {
      const id = ids[i]!;
      if (id >= 0) {
        const s = starts[id]!;
        const e = starts[id + 1]!;
        if (count + (e - s) > this.li.length) {
          const cap = Math.max(this.li.length * 2, count + (e - s));
          this.li = grow(this.li, cap);
          this.ri = grow(this.ri, cap);
        }
        for (let j = s; j < e; j++) {
          this.li[count] = i;
          this.ri[count++] = byKey[j]!;
        }
      }
      if (count >= target || i === n - 1) {
        const out = this.emitter.emit(batch, from, i + 1, this.li, this.ri, count);
        if (out !== null) yield out;
        from = i + 1;
        count = 0;
      }
    }
  }

  /** Right/full joins: the build rows no probe matched (null left columns); else null. */
  finish(): ColumnBatch | null {
    return this.emitter.finish();
  }

  /** Key ids per row; -1 for rows whose key cannot match (a null in a non-null-safe key). */
  private keyIds(keys: Vector[], n: number, insert: boolean): Int32Array {
    const ids = insert ? this.encoder.encode(keys, n) : this.encoder.lookup(keys, n);
    keys.forEach((v, k) => {
      if (v.validity === null || this.nullSafe?.[k] === true) return;
      for (let i = 0; i < n; i++) if (v.validity[i] === 0) ids[i] = -1;
    });
    return ids;
  }
}

function grow(a: Int32Array, cap: number): Int32Array {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}
