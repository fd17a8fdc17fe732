/**
 * Sluice against what PySpark 4.0.1 did (test/dataframe-ops/pyspark-facts.golden.json, written by
 * scripts/oracle/gen_dataframe_ops_facts.py): storage level descriptions, argument errors Spark
 * raises without a condition, which streaming queries start() accepts (and Spark's reasons for the
 * others), awaitTermination's timeout in seconds, StructType.add, replace(NaN).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type DataFrame, Session, StorageLevel, StructType, IntegerType, functions as F } from "../../src/index.js";

type Outcome = { value: unknown } | { error: string; condition: string | null };
const facts = JSON.parse(readFileSync(join(import.meta.dirname, "pyspark-facts.golden.json"), "utf8")) as {
  storageLevels: Record<string, string | boolean>;
  argumentErrors: Record<string, Outcome>;
  streamingStart: Record<string, Outcome>;
  awaitTermination: Record<string, Outcome>;
  structTypeAdd: Record<string, Outcome>;
  replaceNaN: Outcome;
};
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
/** Spark's message without its "requirement failed: " prefix and trailing ";". */
const sparkText = (o: Outcome): string => ("error" in o ? o.error.replace(/^requirement failed: /, "").replace(/;$/, "") : "");

describe("PySpark 4.0.1 facts", () => {
  it("storage levels read as PySpark's str(df.storageLevel)", () => {
    const df = spark.range(7);
    expect(String(df.storageLevel)).toBe(facts.storageLevels.fresh);
    expect(String(df.cache().storageLevel)).toBe(facts.storageLevels.afterCache);
    expect(df.is_cached).toBe(facts.storageLevels.isCached);
    expect(String(df.unpersist().storageLevel)).toBe(facts.storageLevels.afterUnpersist);
    expect(String(spark.range(8).persist(StorageLevel.DISK_ONLY).storageLevel)).toBe(facts.storageLevels.persistDiskOnly);
  });

  it("argument errors carry Spark's reason", () => {
    const calls: Record<string, () => unknown> = {
      "sample(1.5, 1)": () => spark.range(5).sample(1.5, 1),
      "sample(True, -1.0, 1)": () => spark.range(5).sample(true, -1, 1),
      "coalesce(0)": () => spark.range(5).coalesce(0),
      "repartition(0)": () => spark.range(5).repartition(0),
      "repartitionByRange(2)": () => spark.range(5).repartitionByRange(2),
    };
    for (const [name, call] of Object.entries(calls)) {
      const o = facts.argumentErrors[name]!;
      const text = sparkText(o).replace(/\.$/, "").replace(/^\[\w+\] /, "");
      expect(call, name).toThrowError(expect.objectContaining({ message: expect.stringContaining(text) }));
      if ("condition" in o && o.condition) expect(call).toThrowError(expect.objectContaining({ code: o.condition }));
    }
  });

  it("streaming queries start or are refused as in Spark, with Spark's reason", async () => {
    const stream = () => spark.memoryStream("value BIGINT").toDF();
    const staticDf = () => spark.range(3).toDF("value");
    const queries: Record<string, () => DataFrame> = {
      sample: () => stream().sample(0.5),
      repartition: () => stream().repartition(2),
      coalesce: () => stream().coalesce(1),
      fillna: () => stream().fillna(0),
      monotonically_increasing_id: () => stream().select(F.monotonically_increasing_id()),
      "stream.intersect(static)": () => stream().intersect(staticDf()),
      "stream.intersectAll(static)": () => stream().intersectAll(staticDf()),
      "stream.subtract(static)": () => stream().subtract(staticDf()),
      "stream.exceptAll(static)": () => stream().exceptAll(staticDf()),
      "static.subtract(stream)": () => staticDf().subtract(stream()),
      "cache()": () => stream().cache(),
    };
    // Deliberate difference (docs/differences.md, "exceptAll on a stream"): refused by Sluice.
    const refusedBySluice = new Set(["stream.exceptAll(static)"]);
    let i = 0;
    for (const [name, build] of Object.entries(queries)) {
      const o = facts.streamingStart[name]!;
      const run = async (): Promise<string> => {
        const df = build();
        if (name === "cache()") return "cached";
        const q = await df.writeStream.format("memory").queryName(`facts${i++}`).start();
        await q.stop();
        return "started";
      };
      if ("value" in o && !refusedBySluice.has(name)) {
        await expect(run(), name).resolves.toBe(o.value);
      } else {
        const text = refusedBySluice.has(name) ? "exceptAll" : sparkText(o);
        await expect(run(), name).rejects.toMatchObject({ message: expect.stringContaining(text) });
      }
    }
  });

  it("awaitTermination takes seconds and refuses a timeout that is not positive", async () => {
    const q = await spark.memoryStream("v INT").toDF().writeStream.format("memory").queryName("facts_await").start();
    expect({ value: await q.awaitTermination(0.05) }).toEqual(facts.awaitTermination["runningFor0.5s"]);
    await q.stop();
    expect({ value: await q.awaitTermination(1) }).toEqual(facts.awaitTermination.afterStop);
    for (const [key, timeout] of [["timeout0", 0], ["timeoutNegative", -1]] as const) {
      const o = facts.awaitTermination[key]!;
      await expect(q.awaitTermination(timeout)).rejects.toMatchObject({ code: "condition" in o ? o.condition : "" });
    }
  });

  it("StructType.add takes PySpark's JSON type names; replace(NaN) matches NaN", async () => {
    const s = new StructType().add("a", "string").add("b", "integer").add("c", IntegerType, false);
    expect({ value: s.simpleString() }).toEqual(facts.structTypeAdd["json names"]);
    const df = spark.createDataFrame([{ f: Number.NaN }, { f: 1.5 }, { f: null }], "f DOUBLE").replace(Number.NaN, 0);
    expect({ value: (await df.collect()).map((r) => r.f) }).toEqual(facts.replaceNaN);
  });
});
