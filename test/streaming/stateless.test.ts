import { describe, it } from "vitest";
import { Session, col, functions as F } from "../../src/index.js";
import { AddData, CheckAnswer, CheckNewAnswer, ExpectFailure, StartStream, StopStream, testStream } from "../../src/testing/stream-test.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();

describe("stateless streaming over a memory stream", () => {
  it("select / filter / withColumn, with a restart in the middle", async () => {
    const input = spark.memoryStream("id INT, name STRING");
    const df = input
      .toDF()
      .filter(col("id").gt(1))
      .withColumn("upper", F.upper(col("name")))
      .select("id", "upper");
    await testStream(
      spark,
      df,
      {},
      AddData(input, { id: 1, name: "a" }, { id: 2, name: "b" }),
      CheckAnswer({ id: 2, upper: "B" }),
      StopStream,
      AddData(input, { id: 3, name: "c" }),
      StartStream(),
      CheckNewAnswer({ id: 3, upper: "C" }),
      AddData(input, { id: 0, name: "z" }, { id: 4, name: "d" }),
      CheckAnswer({ id: 2, upper: "B" }, { id: 3, upper: "C" }, { id: 4, upper: "D" }),
    );
  });

  it("explode and from_json with PERMISSIVE parsing", async () => {
    const input = spark.memoryStream("raw STRING");
    const parsed = input
      .toDF()
      .select(F.from_json(col("raw"), "id INT, tags ARRAY<STRING>").alias("j"))
      .select(col("j.id").alias("id"), F.explode_outer(col("j.tags")).alias("tag"));
    await testStream(
      spark,
      parsed,
      {},
      AddData(input, { raw: '{"id": 1, "tags": ["x", "y"]}' }, { raw: "not json" }),
      CheckAnswer({ id: 1, tag: "x" }, { id: 1, tag: "y" }, { id: null, tag: null }),
      StopStream,
      StartStream(),
      AddData(input, { raw: '{"id": 2, "tags": []}' }),
      CheckNewAnswer({ id: 2, tag: null }),
    );
  });

  it("union of two streams", async () => {
    const a = spark.memoryStream("v INT");
    const b = spark.memoryStream("v INT");
    await testStream(
      spark,
      a.toDF().union(b.toDF()),
      {},
      AddData(a, { v: 1 }),
      AddData(b, { v: 2 }),
      CheckAnswer({ v: 1 }, { v: 2 }),
      StopStream,
      AddData(b, { v: 3 }),
      StartStream(),
      CheckAnswer({ v: 1 }, { v: 2 }, { v: 3 }),
    );
  });

  it("stream-static inner and left outer joins", async () => {
    const dim = spark.createDataFrame([{ k: 1, label: "one" }, { k: 2, label: "two" }], "k INT, label STRING");
    const input = spark.memoryStream("k INT");
    await testStream(
      spark,
      input.toDF().join(dim, "k", "left"),
      {},
      AddData(input, { k: 1 }, { k: 3 }),
      CheckAnswer({ k: 1, label: "one" }, { k: 3, label: null }),
      StopStream,
      StartStream(),
      AddData(input, { k: 2 }),
      CheckNewAnswer({ k: 2, label: "two" }),
    );
  });

  it("a failing batch stops the query and keeps the error", async () => {
    const input = spark.memoryStream("a INT, b INT");
    const df = input.toDF().select(col("a").divide(col("b")).cast("int").alias("q"), (F.expr("a div b")).alias("d"));
    await testStream(spark, df, {}, AddData(input, { a: 1, b: 0 }), ExpectFailure({ code: "DIVIDE_BY_ZERO" }));
  });
});
