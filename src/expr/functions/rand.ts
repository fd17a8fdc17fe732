/**
 * Spark's rand(seed): java.util.Random's nextDouble on top of Spark's XORShiftRandom, whose seed
 * is first scrambled with Scala's MurmurHash3.bytesHash over the seed's 8 big-endian bytes.
 * Sluice runs one partition per query, so row k of the output gets the k-th draw of partition 0,
 * which reproduces Spark's values for the same seed on a single partition.
 */
const MASK64 = (1n << 64n) - 1n;

function scalaBytesHash(data: Uint8Array, seed: number): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  const mixLast = (h: number, k: number) => {
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    return h ^ k;
  };
  let h = seed | 0;
  let i = 0;
  let len = data.length;
  while (len >= 4) {
    const k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    h = mixLast(h, k);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    i += 4;
    len -= 4;
  }
  let k = 0;
  if (len === 3) k ^= data[i + 2]! << 16;
  if (len >= 2) k ^= data[i + 1]! << 8;
  if (len >= 1) {
    k ^= data[i]!;
    h = mixLast(h, k);
  }
  h ^= data.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

export interface SparkRandom {
  nextDouble(): number;
  nextGaussian(): number;
}

export function xorShiftRandom(seed: number): SparkRandom {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigInt64(0, BigInt(Math.trunc(seed)));
  const low = scalaBytesHash(bytes, 0x3c074a61);
  const high = scalaBytesHash(bytes, low);
  let state = ((BigInt(high) << 32n) | (BigInt(low) & 0xffffffffn)) & MASK64;
  const next = (bits: number): number => {
    let s = state ^ ((state << 21n) & MASK64);
    s ^= s >> 35n;
    s ^= (s << 4n) & MASK64;
    state = s;
    return Number(BigInt.asIntN(32, s & ((1n << BigInt(bits)) - 1n)));
  };
  let haveGaussian = false;
  let nextG = 0;
  return {
    nextDouble: () => (next(26) * 134217728 + next(27)) * 2 ** -53,
    nextGaussian: () => {
      if (haveGaussian) {
        haveGaussian = false;
        return nextG;
      }
      for (;;) {
        const v1 = 2 * ((next(26) * 134217728 + next(27)) * 2 ** -53) - 1;
        const v2 = 2 * ((next(26) * 134217728 + next(27)) * 2 ** -53) - 1;
        const s = v1 * v1 + v2 * v2;
        if (s < 1 && s !== 0) {
          const mul = Math.sqrt((-2 * Math.log(s)) / s);
          nextG = v2 * mul;
          haveGaussian = true;
          return v1 * mul;
        }
      }
    },
  };
}
