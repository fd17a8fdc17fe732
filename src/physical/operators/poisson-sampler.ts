/**
 * The draws of Spark's PoissonSampler (`sample(withReplacement = true, ...)`), so Sluice repeats
 * the same rows as Spark on one partition for a seed:
 *   - the partition's seed is the first nextLong() of java.util.Random(seed)
 *     (PartitionwiseSampledRDD gives partition i the i-th draw);
 *   - counts come from commons-math3's PoissonDistribution(fraction), whose generator is a
 *     Well19937c reseeded with that long; below a mean of 40 it multiplies uniform draws until
 *     the product falls under e^-mean (at most 1000 × mean steps).
 * Means of 40 and more (commons-math switches to another algorithm) use the same multiplication
 * in steps of 40, which has the right distribution but not Spark's draws (docs/differences.md).
 */
const MASK48 = (1n << 48n) - 1n;

/** java.util.Random(seed).nextLong(). */
function javaRandomFirstLong(seed: number): bigint {
  let s = (BigInt(Math.trunc(seed)) ^ 0x5deece66dn) & MASK48;
  const next32 = (): bigint => {
    s = (s * 0x5deece66dn + 0xbn) & MASK48;
    return BigInt.asIntN(32, s >> 16n);
  };
  const high = next32();
  return BigInt.asIntN(64, (high << 32n) + next32());
}

/** commons-math3 Well19937c seeded with a long; nextDouble as its BitsStreamGenerator. */
function well19937c(seed: bigint): () => number {
  const r = 624;
  const v = new Int32Array(r);
  v[0] = Number(BigInt.asIntN(32, seed >> 32n));
  v[1] = Number(BigInt.asIntN(32, seed & 0xffffffffn));
  for (let i = 2; i < r; i++) {
    const l = BigInt(v[i - 2]!);
    v[i] = Number(BigInt.asIntN(32, (1812433253n * (l ^ (l >> 30n)) + BigInt(i)) & 0xffffffffn));
  }
  const at = (j: number, offset: number): number => (j + offset) % r;
  let index = 0;
  const next = (bits: number): number => {
    const rm1 = at(index, r - 1);
    const rm2 = at(index, r - 2);
    const v0 = v[index]!;
    const vM1 = v[at(index, 70)]!;
    const vM2 = v[at(index, 179)]!;
    const vM3 = v[at(index, 449)]!;
    const z0 = (0x80000000 & v[rm1]!) ^ (0x7fffffff & v[rm2]!);
    const z1 = v0 ^ (v0 << 25) ^ (vM1 ^ (vM1 >>> 27));
    const z2 = (vM2 >>> 9) ^ (vM3 ^ (vM3 >>> 1));
    const z3 = z1 ^ z2;
    let z4 = z0 ^ (z1 ^ (z1 << 9)) ^ (z2 ^ (z2 << 21)) ^ (z3 ^ (z3 >>> 21));
    v[index] = z3;
    v[rm1] = z4;
    v[rm2]! &= 0x80000000;
    index = rm1;
    z4 ^= (z4 << 7) & 0xe46e1700; // Matsumoto-Kurita tempering
    z4 ^= (z4 << 15) & 0x9b868000;
    return z4 >>> (32 - bits);
  };
  return () => (next(26) * 67108864 + next(26)) * 2 ** -52;
}

/** A generator of Poisson(mean) counts, one per row, as Spark's sampler for `seed` on partition 0. */
export function sparkPoissonCounts(seed: number, mean: number): () => number {
  const nextDouble = well19937c(javaRandomFirstLong(seed));
  const multiply = (m: number): number => {
    const limit = Math.exp(-m);
    let n = 0;
    let product = 1;
    while (n < 1000 * m) {
      product *= nextDouble();
      if (product < limit) return n;
      n++;
    }
    return n;
  };
  if (!(mean > 0)) return () => 0;
  if (mean < 40) return () => multiply(mean);
  return () => {
    let n = 0;
    for (let left = mean; left > 0; left -= 40) n += multiply(Math.min(left, 40));
    return n;
  };
}
