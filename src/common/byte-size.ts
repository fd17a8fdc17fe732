/**
 * Spark's size strings (`10MB`, `512k`, `1g`, `10485760`), as its byte confs read them
 * (ConfigHelpers.byteFromString over JavaUtils.byteStringAs): an integer with an optional unit
 * b, k/kb, m/mb, g/gb, t/tb, p/pb (powers of 1024, any case), a bare number meaning bytes, and a
 * leading `-` negating the value (`-1` turns spark.sql.autoBroadcastJoinThreshold off).
 */
const UNITS: Readonly<Record<string, number>> = { b: 0, k: 1, kb: 1, m: 2, mb: 2, g: 3, gb: 3, t: 4, tb: 4, p: 5, pb: 5 };

/** The bytes of `v`, or why it is not a size. */
export function parseByteSize(v: string): number | string {
  const m = /^(-?)(\d+)([a-z]*)$/.exec(v.trim().toLowerCase());
  const power = m && (m[3] === "" ? 0 : UNITS[m[3]!]);
  if (!m || power === undefined || power === null) return "expected a size in bytes such as 10485760, 10MB or 512k (units b, k, m, g, t, p), or -1";
  return (m[1] === "-" ? -1 : 1) * Number(m[2]) * 1024 ** power;
}
