/**
 * GroupKeyEncoder: turns the key columns of a batch into dense group ids 0..numGroups-1, stable
 * across batches (ids are assigned in first-seen order and never change), without building a
 * composite string per row.
 *
 * 1. Each key column has its own dictionary (key-dictionary.ts): value → column id.
 * 2. Column ids are folded left to right through pair tables: (id so far, next column id) → id.
 * 3. When a row opens a new group, its key values are appended to per-key builders, so
 *    `keyVectors()` returns one row per group (the buffer keys of an aggregate).
 *
 * Used by HashAggregateExec, DropDuplicatesExec, the hash joins, and streaming state operators.
 */
import { VectorBuilder, getValue } from "../../columnar/column-batch.js";
import { internalError } from "../../common/errors.js";
import { type Vector, makeVector } from "../../columnar/vector.js";
import type { DataType } from "../../types/data-type.js";
import { type DictionaryKind, type KeyDictionary, createDictionary, dictionaryKindOf, hashNumber } from "./key-dictionary.js";

/** Open-addressing table over pairs of non-negative int32 ids. */
export class PairTable {
  private a = new Int32Array(64);
  private b = new Int32Array(64);
  private slots = new Int32Array(64); // id + 1
  private mask = 63;
  size = 0;

  /** The id of (x, y); -1 when absent and not inserting. */
  find(x: number, y: number, insert: boolean): number {
    let s = (hashNumber(x) ^ Math.imul(hashNumber(y), 0x9e3779b1)) & this.mask;
    for (;;) {
      const id = this.slots[s]!;
      if (id === 0) break;
      if (this.a[s] === x && this.b[s] === y) return id - 1;
      s = (s + 1) & this.mask;
    }
    if (!insert) return -1;
    const id = this.size++;
    this.a[s] = x;
    this.b[s] = y;
    this.slots[s] = id + 1;
    if (this.size * 2 > this.mask) this.grow();
    return id;
  }

  private grow(): void {
    const { a, b, slots } = this;
    const cap = a.length * 2;
    this.a = new Int32Array(cap);
    this.b = new Int32Array(cap);
    this.slots = new Int32Array(cap);
    this.mask = cap - 1;
    for (let s = 0; s < a.length; s++) {
      if (slots[s] === 0) continue;
      let t = (hashNumber(a[s]!) ^ Math.imul(hashNumber(b[s]!), 0x9e3779b1)) & this.mask;
      while (this.slots[t] !== 0) t = (t + 1) & this.mask;
      this.a[t] = a[s]!;
      this.b[t] = b[s]!;
      this.slots[t] = slots[s]!;
    }
  }
}

export class GroupKeyEncoder {
  private readonly dicts: KeyDictionary[];
  private readonly pairs: PairTable[];
  private readonly builders: VectorBuilder[] | null;
  private readonly normalise: boolean[];
  private groups = 0;
  private scratch = new Int32Array(0);

  /**
   * @param types key column types
   * @param options.kinds dictionary kinds per key (joins widen int/bigint pairs to one kind)
   * @param options.keepKeys record key values per group (default true)
   */
  constructor(
    readonly types: readonly DataType[],
    options: { readonly kinds?: readonly DictionaryKind[]; readonly keepKeys?: boolean } = {},
  ) {
    this.dicts = types.map((t, i) => createDictionary(options.kinds?.[i] ?? dictionaryKindOf(t), t));
    this.pairs = types.slice(1).map(() => new PairTable());
    this.builders = options.keepKeys === false ? null : types.map((t) => new VectorBuilder(t));
    this.normalise = types.map((t) => t.kind === "double" || t.kind === "float");
  }

  get numGroups(): number {
    return this.groups;
  }

  /** Group ids for rows 0..n-1, opening new groups for unseen keys. */
  encode(keys: readonly Vector[], n: number): Int32Array {
    const ids = this.run(keys, n, true);
    if (this.builders !== null) {
      for (let i = 0; i < n; i++) {
        if (ids[i] !== this.groups) continue;
        for (let k = 0; k < keys.length; k++) {
          let x = getValue(keys[k]!, i);
          if (this.normalise[k] && x === 0) x = 0;
          this.builders[k]!.append(x);
        }
        this.groups++;
      }
    } else {
      for (let i = 0; i < n; i++) if (ids[i] === this.groups) this.groups++;
    }
    return ids;
  }

  /** Group ids of existing groups; -1 where the key has not been seen. Opens nothing. */
  lookup(keys: readonly Vector[], n: number): Int32Array {
    return this.run(keys, n, false);
  }

  /** Key values, one row per group id (requires keepKeys). */
  keyVectors(): Vector[] {
    if (this.builders === null) throw internalError("GroupKeyEncoder.keyVectors() needs an encoder created with keepKeys: true");
    return this.builders.map((b) => {
      const v = b.finish();
      // Copy: the builder keeps appending into the same storage.
      return makeVector(v.type, v.values.slice(), v.validity === null ? null : v.validity.slice());
    });
  }

  private run(keys: readonly Vector[], n: number, insert: boolean): Int32Array {
    const out = new Int32Array(n);
    if (this.dicts.length === 0) {
      // No keys: a single group.
      if (!insert && this.groups === 0) out.fill(-1);
      return out;
    }
    this.dicts[0]!.encode(keys[0]!, n, out, insert);
    if (this.dicts.length === 1) return out;
    if (this.scratch.length < n) this.scratch = new Int32Array(n);
    const col = this.scratch;
    for (let k = 1; k < this.dicts.length; k++) {
      this.dicts[k]!.encode(keys[k]!, n, col, insert);
      const table = this.pairs[k - 1]!;
      for (let i = 0; i < n; i++) {
        const x = out[i]!;
        const y = col[i]!;
        out[i] = x < 0 || y < 0 ? -1 : table.find(x, y, insert);
      }
    }
    return out;
  }
}
