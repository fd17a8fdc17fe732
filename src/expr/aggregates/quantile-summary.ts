/**
 * A Greenwald–Khanna quantile summary over doubles (the structure behind Spark's
 * percentile_approx): tuples (value, g, delta) sorted by value, where g is the rank gap to the
 * previous tuple and delta the rank uncertainty, kept so every answer's rank error is at most
 * eps · n. Steps:
 *   1. inserts go to an unsorted head buffer (cheap); at HEAD_SIZE values it is sorted and merged
 *      into the tuples — an interior newcomer gets delta = floor(2 · eps · (count before it));
 *   2. when the tuples outnumber COMPRESS_SIZE they are compressed: neighbours merge while their
 *      combined g + delta stays below floor(2 · eps · n);
 *   3. a query for quantile q targets rank ceil(q · n) and returns the first tuple whose rank
 *      bounds lie within half the largest (g + delta) of it. While nothing was compressed and
 *      n · 2 · eps < 1, every delta is 0 and the answer is exactly the ceil(q · n)-th smallest
 *      value, as in Spark.
 */

const HEAD_SIZE = 50_000;
const COMPRESS_SIZE = 10_000;

export class QuantileSummary {
  private head = new Float64Array(8);
  private headLen = 0;
  private values = new Float64Array(0);
  private g = new Float64Array(0);
  private delta = new Float64Array(0);
  private len = 0;
  /** Values in the tuples (excludes the head buffer). */
  private sampledCount = 0;

  constructor(readonly eps: number) {}

  get count(): number {
    return this.sampledCount + this.headLen;
  }

  insert(x: number): void {
    if (this.headLen === this.head.length) {
      const next = new Float64Array(this.head.length * 2);
      next.set(this.head);
      this.head = next;
    }
    this.head[this.headLen++] = x;
    if (this.headLen >= HEAD_SIZE) this.flush();
  }

  /** Merge the head buffer into the tuples (and compress when they grew large). */
  flush(): void {
    if (this.headLen === 0) return;
    const sorted = this.head.subarray(0, this.headLen).sort();
    const n = this.len + sorted.length;
    const values = new Float64Array(n);
    const g = new Float64Array(n);
    const delta = new Float64Array(n);
    let i = 0;
    let j = 0;
    let k = 0;
    let count = this.sampledCount;
    while (i < this.len || j < sorted.length) {
      if (j >= sorted.length || (i < this.len && this.values[i]! <= sorted[j]!)) {
        values[k] = this.values[i]!;
        g[k] = this.g[i]!;
        delta[k++] = this.delta[i++]!;
      } else {
        const x = sorted[j++]!;
        const atEdge = k === 0 || (i >= this.len && j === sorted.length);
        values[k] = x;
        g[k] = 1;
        delta[k++] = atEdge ? 0 : Math.floor(2 * this.eps * count);
        count++;
      }
    }
    this.values = values;
    this.g = g;
    this.delta = delta;
    this.len = n;
    this.sampledCount = count;
    this.headLen = 0;
    if (this.len > COMPRESS_SIZE) this.compress();
  }

  private compress(): void {
    const limit = Math.floor(2 * this.eps * this.sampledCount);
    const { values, g, delta } = this;
    // Walk right to left, folding tuple i into the kept tuple on its right when allowed.
    let w = this.len - 1; // write position (from the right), keeps the last tuple
    for (let i = this.len - 2; i >= 1; i--) {
      if (g[i]! + g[w]! + delta[w]! < limit) {
        g[w] = g[w]! + g[i]!;
      } else {
        w--;
        values[w] = values[i]!;
        g[w] = g[i]!;
        delta[w] = delta[i]!;
      }
    }
    if (this.len > 1) {
      w--;
      values[w] = values[0]!;
      g[w] = g[0]!;
      delta[w] = delta[0]!;
    }
    const kept = this.len - w;
    this.values = values.slice(w, this.len);
    this.g = g.slice(w, this.len);
    this.delta = delta.slice(w, this.len);
    this.len = kept;
  }

  /** Fold another summary in (its tuples keep their g and delta). */
  merge(other: QuantileSummary): void {
    other.flush();
    this.flush();
    if (other.len === 0) return;
    const n = this.len + other.len;
    const values = new Float64Array(n);
    const g = new Float64Array(n);
    const delta = new Float64Array(n);
    let i = 0;
    let j = 0;
    for (let k = 0; k < n; k++) {
      const fromThis = j >= other.len || (i < this.len && this.values[i]! <= other.values[j]!);
      const src = fromThis ? this : other;
      const at = fromThis ? i++ : j++;
      values[k] = src.values[at]!;
      g[k] = src.g[at]!;
      delta[k] = src.delta[at]!;
    }
    this.values = values;
    this.g = g;
    this.delta = delta;
    this.len = n;
    this.sampledCount += other.sampledCount;
    if (this.len > COMPRESS_SIZE) this.compress();
  }

  /** The approximate q-quantile (0 <= q <= 1), or undefined when empty. */
  query(q: number): number | undefined {
    this.flush();
    if (this.len === 0) return undefined;
    if (q <= this.eps) return this.values[0];
    if (q >= 1 - this.eps) return this.values[this.len - 1];
    const rank = Math.ceil(q * this.sampledCount);
    let widest = 0;
    for (let i = 0; i < this.len; i++) widest = Math.max(widest, this.g[i]! + this.delta[i]!);
    const target = Math.floor(widest / 2);
    let minRank = 0;
    for (let i = 0; i < this.len; i++) {
      minRank += this.g[i]!;
      const maxRank = minRank + this.delta[i]!;
      if (rank - minRank <= target && maxRank - rank <= target) return this.values[i];
    }
    return this.values[this.len - 1];
  }

  /** Serialized form: float64 [count, len, values..., g..., delta...] as bytes. */
  toBytes(): Uint8Array {
    this.flush();
    const out = new Float64Array(2 + 3 * this.len);
    out[0] = this.sampledCount;
    out[1] = this.len;
    out.set(this.values.subarray(0, this.len), 2);
    out.set(this.g.subarray(0, this.len), 2 + this.len);
    out.set(this.delta.subarray(0, this.len), 2 + 2 * this.len);
    return new Uint8Array(out.buffer);
  }

  static fromBytes(eps: number, bytes: Uint8Array): QuantileSummary {
    const f = new Float64Array(bytes.slice().buffer);
    const s = new QuantileSummary(eps);
    const len = f[1]!;
    s.sampledCount = f[0]!;
    s.len = len;
    s.values = f.slice(2, 2 + len);
    s.g = f.slice(2 + len, 2 + 2 * len);
    s.delta = f.slice(2 + 2 * len, 2 + 3 * len);
    return s;
  }
}
