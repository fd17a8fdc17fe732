/**
 * State store keys from engine values: a canonical string, equal for equal group keys (Spark's
 * grouping equality: NaN = NaN, -0.0 = 0.0, null = null). Key values are kept in the state value
 * too, so keys never need decoding.
 */
function canon(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  // A BIGINT in the safe range keys as the number it was before BIGINT became exact, so existing
  // checkpoints keep finding their state; beyond 2^53 it keys by its exact digits.
  if (typeof v === "bigint") return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : "\u0000L" + v.toString();
  if (typeof v === "number") return Number.isNaN(v) ? "\u0000NaN" : v === Infinity ? "\u0000Inf" : v === -Infinity ? "\u0000-Inf" : v === 0 ? 0 : v;
  if (v instanceof Uint8Array) return "\u0000b" + Buffer.from(v).toString("base64");
  if (v instanceof Map) return ["\u0000m", ...[...v].map(([k, x]) => [canon(k), canon(x)])];
  if (Array.isArray(v)) return v.map(canon);
  if (typeof v === "object") return Object.values(v as Record<string, unknown>).map(canon);
  return v;
}

export const stateKey = (values: readonly unknown[]): string => JSON.stringify(values.map(canon));
