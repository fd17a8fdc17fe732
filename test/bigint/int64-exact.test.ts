/**
 * BIGINT is exact over the whole int64 range (issue 12): random int64 values — the extremes,
 * neighbours of 2^53 and values that differ only in their last digit — go from createDataFrame
 * through JSON, CSV, Parquet and Delta and come back unchanged; grouping, dedup, joins and sorts
 * agree with a reference computed here with JS bigints. Before BIGINT was stored as bigint,
 * 1234567890123456789 and 1234567890123456788 were one value.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { Session, col } from "../../src/index.js";
import { writeEveryFormat } from "../support/format-round-trip.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const root = mkdtempSync(join(tmpdir(), "sluice-int64-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const MIN = -(2n ** 63n);
const MAX = 2n ** 63n - 1n;
const P53 = 2n ** 53n;
const int64 = fc.oneof(
  fc.bigInt({ min: MIN, max: MAX }),
  fc.constantFrom(MIN, MAX, MIN + 1n, MAX - 1n, 0n, -1n, P53, P53 + 1n, -P53 - 1n, 1234567890123456789n, 1234567890123456788n),
  fc.bigInt({ min: P53 - 3n, max: P53 + 3n }),
);
// duplicates matter for group/dedup/join: draw from a small pool of values
const column = fc.array(int64, { minLength: 1, maxLength: 8 }).chain((pool) => fc.array(fc.option(fc.constantFrom(...pool), { freq: 6 }), { minLength: 1, maxLength: 25 }));

const cmp = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);
const sorted = (xs: readonly (bigint | null)[]): (bigint | null)[] =>
  [...xs].sort((a, b) => (a === null ? (b === null ? 0 : -1) : b === null ? 1 : cmp(a, b)));
const ids = (rows: readonly Record<string, unknown>[], name = "id"): (bigint | null)[] => rows.map((r) => r[name] as bigint | null);

let run = 0;

describe("BIGINT round trips and relational results are exact (property)", () => {
  it("createDataFrame → JSON, CSV, Parquet, Delta → collect gives the same int64 values", async () => {
    await fc.assert(
      fc.asyncProperty(column, async (values) => {
        const df = spark.createDataFrame(values.map((id, i) => ({ i, id })), "i INT, id BIGINT");
        const back = await df.collect();
        expect(ids(back)).toEqual(values);
        for (const v of ids(back)) if (v !== null) expect(typeof v).toBe("bigint");
        const dir = join(root, `rt-${run++}`);
        const reads = { ...(await writeEveryFormat(spark, df, dir, "i INT, id BIGINT")), jsonInferred: spark.read.json(join(dir, "json")) };
        for (const [format, r] of Object.entries(reads)) {
          const rows = await r.orderBy("i").collect();
          // JSON drops null fields, so when every id is null an inferred schema has no id column (as Spark's)
          expect(ids(rows).map((v) => v ?? null), format).toEqual(values);
        }
      }),
      { numRuns: 6 },
    );
  });

  it("distinct, group by, join and sort equal a bigint reference", async () => {
    await fc.assert(
      fc.asyncProperty(column, column, async (left, right) => {
        const l = spark.createDataFrame(left.map((id) => ({ id })), "id BIGINT");
        const r = spark.createDataFrame(right.map((id) => ({ rid: id })), "rid BIGINT");
        // distinct / dropDuplicates
        const distinctRef = sorted([...new Set(left)]);
        expect(sorted(ids(await l.distinct().collect()))).toEqual(distinctRef);
        expect(sorted(ids(await l.dropDuplicates(["id"]).collect()))).toEqual(distinctRef);
        expect(await l.distinct().count()).toBe(distinctRef.length);
        // group by with count (BIGINT → bigint) and sum
        const counts = new Map<bigint | null, bigint>();
        for (const v of left) counts.set(v, (counts.get(v) ?? 0n) + 1n);
        const grouped = await l.groupBy("id").count().collect();
        expect(new Map(grouped.map((g) => [g.id as bigint | null, g.count as bigint]))).toEqual(counts);
        // inner join on the key (nulls never match)
        let pairs = 0;
        for (const a of left) for (const b of right) if (a !== null && a === b) pairs++;
        const joined = await l.join(r, col("id").eq(col("rid"))).collect();
        expect(joined.length).toBe(pairs);
        for (const row of joined) expect(row.id).toBe(row.rid);
        // sort, nulls first ascending as Spark
        expect(ids(await l.orderBy("id").collect())).toEqual(sorted(left));
        expect(ids(await l.orderBy(col("id").desc()).collect())).toEqual(sorted(left).reverse());
      }),
      { numRuns: 25 },
    );
  });
});

describe("BIGINT input and arithmetic", () => {
  it("the issue's example: two ids one apart past 2^53 stay two", async () => {
    const df = spark.createDataFrame([{ id: 1234567890123456789n }, { id: 1234567890123456788n }], "id BIGINT");
    expect(await df.distinct().count()).toBe(2);
    expect((await spark.sql("SELECT 9007199254740993 AS b").collect())[0]).toEqual({ b: 9007199254740993n });
  });

  it("accepts safe-integer numbers, refuses an unsafe number naming the column and value", async () => {
    expect(await spark.createDataFrame([{ id: 42 }], "id BIGINT").collect()).toEqual([{ id: 42n }]);
    expect(() => spark.createDataFrame([{ id: 2 ** 60 }], "id BIGINT")).toThrow(/UNSAFE_BIGINT_NUMBER|id.*1152921504606846976|1152921504606846976.*id/);
    expect(() => spark.createDataFrame([{ id: 2n ** 63n }], "id BIGINT")).toThrow(/9223372036854775808n.*`id`/);
  });

  it("overflow is ARITHMETIC_OVERFLOW under ANSI and wraps as a Java long without", async () => {
    const df = spark.createDataFrame([{ id: MAX }], "id BIGINT");
    await expect(df.select(col("id").plus(1)).collect()).rejects.toThrow(/ARITHMETIC_OVERFLOW|overflow/);
    spark.conf.set("spark.sql.ansi.enabled", "false");
    try {
      const rows = await spark.sql("SELECT id + 1 AS p, id * 2 AS m, -(id + 1) AS n FROM VALUES (9223372036854775807L) t(id)").collect();
      expect(rows).toEqual([{ p: MIN, m: -2n, n: MIN }]);
    } finally {
      spark.conf.set("spark.sql.ansi.enabled", "true");
    }
  });
});
