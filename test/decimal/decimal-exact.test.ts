/**
 * DECIMAL(p, s) is exact up to p = 38 (issue 12): random DECIMAL(38, s) values — the extremes
 * ±(10^38 − 1) × 10^-s, values one unit in the last place apart, values past 2^53 — go from
 * createDataFrame through JSON, CSV, Parquet and Delta and come back as the same digits; group by,
 * sum, distinct and sort agree with a reference computed here on the unscaled values as JS bigints.
 * Rows present a decimal as its plain digits with exactly `scale` fraction digits (docs/differences.md).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { Session, col } from "../../src/index.js";
import { writeEveryFormat } from "../support/format-round-trip.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const root = mkdtempSync(join(tmpdir(), "sluice-decimal-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const LIMIT = 10n ** 38n - 1n;

/** The reference text of an unscaled value: plain digits with exactly `scale` fraction digits. */
function text(u: bigint, scale: number): string {
  const neg = u < 0n;
  const digits = (neg ? -u : u).toString().padStart(scale + 1, "0");
  const s = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return neg ? `-${s}` : s;
}
/** The unscaled value of a row's decimal text (the inverse of `text`). */
const unscaledOf = (t: string, scale: number): bigint => {
  const [i, f = ""] = t.split(".");
  expect(f.length).toBe(scale);
  return BigInt(`${i}${f}`);
};

const unscaled = fc.oneof(
  fc.bigInt({ min: -LIMIT, max: LIMIT }),
  fc.constantFrom(LIMIT, -LIMIT, LIMIT - 1n, 0n, 1n, -1n, 2n ** 53n + 1n, 12345678901234567891n, 12345678901234567890n),
  fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
);
const scale = fc.constantFrom(0, 3, 18, 37, 38);
// duplicates matter for group/dedup: draw from a small pool
const column = fc.array(unscaled, { minLength: 1, maxLength: 6 }).chain((pool) => fc.array(fc.option(fc.constantFrom(...pool), { freq: 6 }), { minLength: 1, maxLength: 20 }));

const cmp = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);
const sortedRef = (xs: readonly (bigint | null)[]): (bigint | null)[] =>
  [...xs].sort((a, b) => (a === null ? (b === null ? 0 : -1) : b === null ? 1 : cmp(a, b)));

let run = 0;

describe("DECIMAL(38, s) round trips and relational results are exact (property)", () => {
  it("createDataFrame → JSON, CSV, Parquet, Delta → collect gives the same digits", async () => {
    await fc.assert(
      fc.asyncProperty(scale, column, async (s, values) => {
        const type = `DECIMAL(38,${s})`;
        const texts = values.map((u) => (u === null ? null : text(u, s)));
        const df = spark.createDataFrame(texts.map((d, i) => ({ i, d })), `i INT, d ${type}`);
        expect((await df.collect()).map((r) => r.d)).toEqual(texts);
        const reads = await writeEveryFormat(spark, df, join(root, `rt-${run++}`), `i INT, d ${type}`);
        for (const [format, r] of Object.entries(reads)) {
          expect(r.schema.fields.find((f) => f.name === "d")?.type, format).toEqual({ kind: "decimal", precision: 38, scale: s });
          const rows = await r.orderBy("i").collect();
          expect(rows.map((x) => x.d), format).toEqual(texts);
        }
      }),
      // 2^53 + 1 at scale 0 has 16 digits: JSON once read it through a double (…993 → …992)
      { numRuns: 6, examples: [[0, [2n ** 53n + 1n, -(2n ** 53n + 1n), null]]] },
    );
  });

  it("distinct, group by + sum, and sort equal a bigint reference", async () => {
    await fc.assert(
      fc.asyncProperty(scale, column, async (scale38, values) => {
        const s = Math.min(scale38, 28);
        // a DECIMAL(28, s) column so that sum's DECIMAL(38, s) never overflows for 20 rows
        const small = values.map((u) => (u === null ? null : u % 10n ** 28n));
        const df = spark.createDataFrame(small.map((u, i) => ({ k: i % 3, d: u === null ? null : text(u, s) })), `k INT, d DECIMAL(28,${s})`);
        const rowsOf = async (d: ReturnType<typeof df.select>) => (await d.collect()).map((r) => (r.d === null ? null : unscaledOf(r.d as string, s)));
        expect(sortedRef(await rowsOf(df.select("d").distinct()))).toEqual(sortedRef([...new Set(small)]));
        expect(await rowsOf(df.select("d").orderBy("d"))).toEqual(sortedRef(small));
        expect(await rowsOf(df.select("d").orderBy(col("d").desc()))).toEqual(sortedRef(small).reverse());
        // group by the decimal itself, and sum per int key
        const counts = new Map<bigint | null, bigint>();
        for (const u of small) counts.set(u, (counts.get(u) ?? 0n) + 1n);
        const grouped = await df.groupBy("d").count().collect();
        expect(new Map(grouped.map((g) => [g.d === null ? null : unscaledOf(g.d as string, s), g.count as bigint]))).toEqual(counts);
        const sums = new Map<number, bigint | null>();
        small.forEach((u, i) => {
          const k = i % 3;
          if (!sums.has(k)) sums.set(k, null);
          if (u !== null) sums.set(k, (sums.get(k) ?? 0n) + u);
        });
        const summed = await df.groupBy("k").agg({ d: "sum" }).collect();
        expect(new Map(summed.map((r) => [r.k as number, r["sum(d)"] === null ? null : unscaledOf(r["sum(d)"] as string, s)]))).toEqual(sums);
      }),
      { numRuns: 20 },
    );
  });
});

describe("DECIMAL input, casts and arithmetic", () => {
  it("the issue's example keeps every digit", async () => {
    const rows = await spark.sql("SELECT CAST('12345678901234567.891' AS DECIMAL(38,3)) AS d, 1.5BD AS l, 0.1 + 0.2 AS s").collect();
    expect(rows).toEqual([{ d: "12345678901234567.891", l: "1.5", s: "0.3" }]);
  });

  it("accepts strings, bigints and numbers as input; refuses what does not fit naming the field", async () => {
    const df = spark.createDataFrame([{ d: "1.005" }, { d: 7n }, { d: 0.1 }, { d: "-2.5e-2" }], "d DECIMAL(5,2)");
    // more fraction digits than the scale round HALF_UP, as Spark's cast does
    expect((await df.collect()).map((r) => r.d)).toEqual(["1.01", "7.00", "0.10", "-0.03"]);
    expect(() => spark.createDataFrame([{ d: "1000" }], "d DECIMAL(5,2)")).toThrow(/"1000".*`d`.*DECIMAL\(5,2\)/);
    expect(() => spark.createDataFrame([{ d: "abc" }], "d DECIMAL(5,2)")).toThrow(/"abc".*`d`/);
  });

  it("casts exactly between DECIMAL, STRING, BIGINT, INT and DOUBLE", async () => {
    const [r] = await spark
      .sql(
        `SELECT CAST(CAST('99999999999999999999999999999999999999' AS DECIMAL(38,0)) AS STRING) AS s,
                CAST(CAST('-12345678901234567.5' AS DECIMAL(20,1)) AS BIGINT) AS b,
                CAST(CAST('2147483647.9' AS DECIMAL(11,1)) AS INT) AS i,
                CAST(CAST('0.1' AS DECIMAL(38,37)) AS DOUBLE) AS dbl,
                CAST(0.1D AS DECIMAL(38,37)) AS fromDouble,
                CAST(9223372036854775807L AS DECIMAL(19,0)) AS fromLong,
                CAST(CAST('1.25' AS DECIMAL(3,2)) AS DECIMAL(2,1)) AS rounded`,
      )
      .collect();
    expect(r).toEqual({ s: "99999999999999999999999999999999999999", b: -12345678901234567n, i: 2147483647, dbl: 0.1, fromDouble: "0.1000000000000000000000000000000000000", fromLong: "9223372036854775807", rounded: "1.3" });
    await expect(spark.sql("SELECT CAST('123.4' AS DECIMAL(3,1)) AS d").collect()).rejects.toMatchObject({ code: "NUMERIC_VALUE_OUT_OF_RANGE" });
  });

  it("arithmetic is exact with Spark's result types; overflow is an error under ANSI and null without", async () => {
    const df = spark.sql("SELECT CAST('12345678901234567890.123456789' AS DECIMAL(38,9)) AS a, CAST('0.000000001' AS DECIMAL(38,9)) AS b");
    // DECIMAL(38,9) ± DECIMAL(38,9) is DECIMAL(38,8) and × 2 is DECIMAL(38,7) (precision loss keeps 38 digits, HALF_UP)
    const [r] = await df.selectExpr("a + b AS s", "a - b AS d", "a * 2 AS m", "a / 3 AS q", "a % 7 AS r").collect();
    expect(r).toEqual({ s: "12345678901234567890.12345679", d: "12345678901234567890.12345679", m: "24691357802469135780.2469136", q: "4115226300411522630.041152263", r: "1.123456789" });
    const max = spark.sql("SELECT CAST('99999999999999999999999999999999999999' AS DECIMAL(38,0)) AS x");
    await expect(max.selectExpr("x + 1 AS y").collect()).rejects.toMatchObject({ code: "NUMERIC_VALUE_OUT_OF_RANGE" });
    spark.conf.set("spark.sql.ansi.enabled", "false");
    try {
      expect(await max.selectExpr("x + 1 AS y", "x / 0 AS z").collect()).toEqual([{ y: null, z: null }]);
    } finally {
      spark.conf.set("spark.sql.ansi.enabled", "true");
    }
  });

  it("orders RANGE window frames and window aggregates by decimal keys", async () => {
    const rows = await spark
      .sql(
        `SELECT d, sum(d) OVER (ORDER BY d RANGE BETWEEN 1.0 PRECEDING AND CURRENT ROW) AS s, sum(x) OVER (ORDER BY x RANGE BETWEEN 2 PRECEDING AND CURRENT ROW) AS b
         FROM VALUES (CAST('1.50' AS DECIMAL(10,2)), 10L), (CAST('2.25' AS DECIMAL(10,2)), 11L), (CAST('3.00' AS DECIMAL(10,2)), 13L) t(d, x) ORDER BY d`,
      )
      .collect();
    expect(rows).toEqual([
      { d: "1.50", s: "1.50", b: 10n },
      { d: "2.25", s: "3.75", b: 21n },
      { d: "3.00", s: "5.25", b: 24n },
    ]);
  });

  it("IN lists compare after the cast to the common type", async () => {
    const df = spark.createDataFrame([{ a: "1.50" }, { a: "3.00" }, { a: "2.25" }], "a DECIMAL(10,2)");
    expect(await df.filter("a IN (1.5, 3)").collect()).toEqual([{ a: "1.50" }, { a: "3.00" }]);
    const ids = spark.createDataFrame([{ x: 3n }, { x: 2n ** 60n }], "x BIGINT");
    expect(await ids.filter("x IN (1, 3, 1152921504606846976)").collect()).toEqual([{ x: 3n }, { x: 2n ** 60n }]);
  });
});
