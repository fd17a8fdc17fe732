/**
 * The DataFrame methods a PySpark user reaches for (caching, sampling, partitioning, set
 * operations, missing values, row ids) through the public API, beyond what the batch parity
 * corpus (test/parity/cases/dataframe-ops) compares with PySpark: what caching avoids, error
 * paths, what streaming DataFrames run. PySpark's own answers for what the corpus cannot express
 * are compared in pyspark-facts.test.ts.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Session, StorageLevel, col, functions as F } from "../../src/index.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const tmp = () => mkdtempSync(join(tmpdir(), "sluice-dfops-"));
const ids = async (df: { collect(): Promise<Record<string, unknown>[]> }, name = "id") => (await df.collect()).map((r) => r[name]);

describe("cache / persist / unpersist", () => {
  const jsonFile = (dir: string, values: number[]) => {
    const file = join(dir, "in.json");
    writeFileSync(file, values.map((v) => JSON.stringify({ v })).join("\n") + "\n");
    return file;
  };

  it("computes once on the first action; later actions read the cached rows, unpersist reads the source again", async () => {
    const dir = tmp();
    const file = jsonFile(dir, [1, 2, 3]);
    const df = spark.read.schema("v INT").json(file);
    expect(df.is_cached).toBe(false);
    expect(String(df.storageLevel)).toBe("Serialized 1x Replicated"); // PySpark: str(StorageLevel.NONE)
    expect(df.cache()).toBe(df);
    expect(df.is_cached).toBe(true);
    expect(String(df.storageLevel)).toBe("Disk Memory Deserialized 1x Replicated"); // PySpark 4: MEMORY_AND_DISK_DESER
    expect(df.explainString("extended")).toContain("InMemoryRelation [v#");
    expect(df.explainString()).not.toContain("materialized");
    expect(await df.count()).toBe(3); // materialises
    expect(df.explainString()).toContain("InMemoryTableScanExec: StorageLevel(Disk Memory Deserialized 1x Replicated), materialized");

    rmSync(file);
    expect((await ids(df, "v")).sort()).toEqual([1, 2, 3]);
    const derived = df.filter(col("v").gt(1)); // built after cache(): reads the cache too
    expect(await ids(derived, "v")).toEqual([2, 3]);

    jsonFile(dir, [7, 8, 9, 10]);
    expect(await df.count()).toBe(3); // still the cached rows
    df.unpersist();
    expect(df.is_cached).toBe(false);
    expect(await df.count()).toBe(4);
    expect(await ids(derived, "v")).toEqual([7, 8, 9, 10]); // its cache is gone too
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps the first level when persisted again, takes levels by name, refuses unknown ones", () => {
    const df = spark.range(3).persist(StorageLevel.DISK_ONLY);
    expect(String(df.persist("MEMORY_ONLY").storageLevel)).toBe("Disk Serialized 1x Replicated");
    expect(String(spark.range(2).persist("memory_only").storageLevel)).toBe("Memory Serialized 1x Replicated");
    expect(() => spark.range(2).persist("MEMORY_LOTS")).toThrowError(expect.objectContaining({ code: "INVALID_STORAGE_LEVEL" }));
  });

  it("a failed first computation leaves nothing cached", async () => {
    const df = spark.range(3).select(col("id").divide(lit0()).cast("int").alias("x")).cache();
    await expect(df.collect()).rejects.toMatchObject({ code: "DIVIDE_BY_ZERO" });
    await expect(df.collect()).rejects.toMatchObject({ code: "DIVIDE_BY_ZERO" });
  });

  it("refuses to cache a streaming DataFrame (Spark: must be executed with writeStream.start())", () => {
    const s = spark.memoryStream("v INT").toDF();
    expect(() => s.cache()).toThrowError(expect.objectContaining({ code: "STREAMING_BATCH_ACTION", message: expect.stringContaining("writeStream.start()") }));
  });
});

function lit0() {
  return F.lit(0);
}

describe("sample", () => {
  it("without a seed draws one at the call, so the same DataFrame gives the same rows each time", async () => {
    const s = spark.range(200).sample(0.5);
    expect(await ids(s)).toEqual(await ids(s));
  });

  it("with replacement repeats rows (Poisson counts) and is reproducible for a seed", async () => {
    const a = await ids(spark.range(100).sample(true, 3.0, 9));
    expect(a.length).toBeGreaterThan(200);
    expect(new Set(a).size).toBeLessThan(a.length);
    expect(a).toEqual(await ids(spark.range(100).sample(true, 3.0, 9)));
    expect(a.every((v) => typeof v === "bigint" && v >= 0n && v < 100n)).toBe(true);
  });

  it("refuses fractions Spark refuses and arguments of the wrong type", () => {
    const df = spark.range(5);
    // PySpark 4.0.1: "requirement failed: Sampling fraction (1.5) must be on interval [0, 1] without replacement"
    expect(() => df.sample(1.5, 1)).toThrowError(expect.objectContaining({ code: "INVALID_SAMPLING_FRACTION", message: expect.stringContaining("[0, 1] without replacement") }));
    expect(() => df.sample(true, -1, 1)).toThrowError(expect.objectContaining({ message: expect.stringContaining("nonnegative with replacement") }));
    expect(() => df.sample("x" as never)).toThrowError(expect.objectContaining({ code: "NOT_BOOL_OR_FLOAT_OR_INT" }));
    expect(() => df.sample(false, undefined as never)).toThrowError(expect.objectContaining({ code: "NOT_BOOL_OR_FLOAT_OR_INT" }));
    expect(() => df.sample(0.5, 2 ** 60)).toThrowError(expect.objectContaining({ code: "INVALID_SAMPLING_SEED" }));
  });
});

describe("coalesce / repartition / repartitionByRange", () => {
  it("keep rows and order on Sluice's one partition", async () => {
    const df = spark.range(10);
    for (const d of [df.coalesce(3), df.repartition(4), df.repartition(2, "id"), df.repartition(col("id")), df.repartitionByRange(3, col("id").desc())]) {
      expect(await ids(d)).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n]);
    }
  });

  it("refuse a partition count that is not positive and repartitionByRange without columns", () => {
    const df = spark.range(3);
    // PySpark 4.0.1: "requirement failed: Number of partitions (0) must be positive."
    expect(() => df.coalesce(0)).toThrowError(expect.objectContaining({ code: "INVALID_NUM_PARTITIONS" }));
    expect(() => df.repartition(-2)).toThrowError(expect.objectContaining({ code: "INVALID_NUM_PARTITIONS" }));
    expect(() => df.repartitionByRange(2)).toThrowError(expect.objectContaining({ code: "CANNOT_BE_EMPTY" }));
    expect(() => df.repartitionByRange(2, "nope")).toThrowError(expect.objectContaining({ code: "UNRESOLVED_COLUMN" }));
  });
});

describe("monotonically_increasing_id", () => {
  it("numbers rows 0, 1, 2, ... across input batches (Spark's partition 0)", async () => {
    const df = spark.range(0, 5000, 1).select(F.monotonically_increasing_id().alias("m"), col("id"));
    const rows = await df.collect();
    expect(rows.every((r, i) => r.m === BigInt(i) && r.id === BigInt(i))).toBe(true);
    expect(new Set(await ids(spark.range(10).repartition(3).select(F.spark_partition_id().alias("p")), "p"))).toEqual(new Set([0]));
  });

  it("outside a projection says to add it as a column first", async () => {
    const df = spark.range(3).filter(F.monotonically_increasing_id().gt(0));
    await expect(df.collect()).rejects.toMatchObject({ code: "ROW_ID_OUTSIDE_PROJECTION" });
  });
});

describe("missing values: argument errors", () => {
  const df = spark.createDataFrame([{ a: 1, s: null }], "a INT, s STRING");
  it("names the bad argument", () => {
    expect(() => df.fillna([1] as never)).toThrowError(expect.objectContaining({ code: "NOT_BOOL_OR_DICT_OR_FLOAT_OR_INT_OR_STR" }));
    expect(() => df.fillna({ a: [1] } as never)).toThrowError(expect.objectContaining({ code: "UNSUPPORTED_FILL_VALUE" }));
    expect(() => df.fillna(0, 5 as never)).toThrowError(expect.objectContaining({ code: "NOT_LIST_OR_STR_OR_TUPLE" }));
    expect(() => df.dropna("some" as never)).toThrowError(expect.objectContaining({ code: "VALUE_NOT_ANY_OR_ALL" }));
    expect(() => df.dropna("any", 1.5)).toThrowError(expect.objectContaining({ code: "NOT_INT" }));
    expect(() => df.replace("a")).toThrowError(expect.objectContaining({ code: "ARGUMENT_REQUIRED" }));
    expect(() => df.replace([1, 2], [3])).toThrowError(expect.objectContaining({ code: "LENGTH_SHOULD_BE_THE_SAME" }));
  });
  it("replace takes a Map for numeric keys and na.* is the same as the shorthands", async () => {
    const d = spark.createDataFrame([{ a: 1, s: null }, { a: 2, s: "x" }], "a INT, s STRING");
    expect(await d.na.replace(new Map([[1, 10]])).collect()).toEqual([{ a: 10, s: null }, { a: 2, s: "x" }]);
    expect(await d.na.fill("?").collect()).toEqual(await d.fillna("?").collect());
    expect(await d.na.drop().collect()).toEqual([{ a: 2, s: "x" }]);
    // PySpark 4.0.1: df.replace(float("nan"), 0.0) turns NaN into 0.0 (NaN = NaN in Spark SQL).
    const n = spark.createDataFrame([{ f: Number.NaN }, { f: 1.5 }, { f: null }], "f DOUBLE");
    expect(await ids(n.replace(Number.NaN, 0), "f")).toEqual([0, 1.5, null]);
  });
});

describe("streaming DataFrames", () => {
  const stream = () => spark.memoryStream("value BIGINT");
  const start = (df: ReturnType<ReturnType<typeof stream>["toDF"]>, name: string) => df.writeStream.format("memory").queryName(name).start();

  // What start() accepts and Spark's reasons are checked against PySpark in pyspark-facts.test.ts.
  it("refuse intersect with a stream and except with a stream on the right, when the query is built", () => {
    const s = stream().toDF();
    const t = spark.range(3).toDF("value");
    expect(() => s.intersect(t)).toThrowError(expect.objectContaining({ code: "STREAMING_INTERSECT_NOT_SUPPORTED" }));
    expect(() => t.intersectAll(s)).toThrowError(expect.objectContaining({ code: "STREAMING_INTERSECT_NOT_SUPPORTED" }));
    expect(() => t.subtract(s)).toThrowError(expect.objectContaining({ code: "STREAMING_EXCEPT_NOT_SUPPORTED", message: expect.stringContaining("on the right") }));
    expect(() => s.exceptAll(t)).toThrowError(expect.objectContaining({ code: "STREAMING_EXCEPT_ALL_NOT_SUPPORTED" }));
  });

  it("run repartition, coalesce, fillna and subtract of a static DataFrame, as Spark allows", async () => {
    const input = stream();
    const df = input.toDF().repartition(2).coalesce(1).fillna(0).subtract(spark.range(3).toDF("value"));
    const q = await start(df, "s_allowed");
    input.addData([{ value: 1 }, { value: 5 }, { value: null }, { value: 5 }, { value: 7 }]);
    await q.processAllAvailable();
    await q.stop();
    expect((await ids(spark.table("s_allowed"), "value")).sort()).toEqual([5n, 7n]);
  });

  it("read a cached static side once across micro-batches of a stream-static join", async () => {
    const dir = tmp();
    const file = join(dir, "dim.json");
    writeFileSync(file, '{"value":1,"name":"one"}\n{"value":2,"name":"two"}\n');
    const dim = spark.read.schema("value BIGINT, name STRING").json(file).cache();
    const input = stream();
    const q = await start(input.toDF().join(dim, "value"), "s_cached_dim");
    input.addData([{ value: 1 }]);
    await q.processAllAvailable();
    rmSync(file); // later batches still join: the static side comes from the cache
    input.addData([{ value: 2 }, { value: 3 }]);
    await q.processAllAvailable();
    await q.stop();
    expect((await ids(spark.table("s_cached_dim"), "name")).sort()).toEqual(["one", "two"]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("write parquet when start(path) is called without format(), as spark.sql.sources.default", async () => {
    const dir = tmp();
    const input = stream();
    const q = await input.toDF().writeStream.option("checkpointLocation", join(dir, "chk")).start(join(dir, "out"));
    input.addData([{ value: 4 }, { value: 2 }]);
    await q.processAllAvailable();
    await q.stop();
    expect(readdirSync(join(dir, "out")).some((f) => f.endsWith(".parquet"))).toBe(true);
    expect((await ids(spark.read.parquet(join(dir, "out")), "value")).sort()).toEqual([2n, 4n]);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("missing values after a join", () => {
  it("fill and replace keep same-named columns apart", async () => {
    const l = spark.createDataFrame([{ k: 1, v: null }], "k INT, v INT");
    const r = spark.createDataFrame([{ k: 1, v: 5 }], "k INT, v INT");
    const j = l.join(r, l.col("k").eq(r.col("k"))).fillna(0).replace(5, 6);
    expect((await j.collect()).length).toBe(1);
    expect(j.dtypes).toEqual([["k", "int"], ["v", "int"], ["k", "int"], ["v", "int"]]);
    expect(await j.toDF("lk", "lv", "rk", "rv").collect()).toEqual([{ lk: 1, lv: 0, rk: 1, rv: 6 }]);
  });
});
