/**
 * The exact-percentile, mode, bitwise and try_ aggregates keep their partial state in a streaming
 * aggregation across a restart: the answer after the restart is the answer over all rows, and a
 * try_sum that overflowed before the restart stays null.
 */
import { describe, it } from "vitest";
import { Session, functions as F } from "../../src/index.js";
import { AddData, CheckNewAnswer, StartStream, StopStream, testStream } from "../../src/testing/stream-test.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();

describe("new aggregates in streaming state", () => {
  it("merge percentile, mode, bit_xor and try_sum state across a restart", async () => {
    const input = spark.memoryStream("k STRING, v BIGINT");
    const agg = input
      .toDF()
      .groupBy("k")
      .agg(F.median("v").alias("m"), F.percentile("v", [0, 1]).alias("p"), F.mode("v").alias("mo"), F.bit_xor("v").alias("x"), F.try_sum("v").alias("s"));
    await testStream(
      spark,
      agg,
      { outputMode: "update" },
      AddData(input, { k: "a", v: 9223372036854775807n }, { k: "b", v: 2n }, { k: "b", v: 2n }),
      CheckNewAnswer({ k: "a", m: 9223372036854775807, p: [9223372036854775807, 9223372036854775807], mo: 9223372036854775807n, x: 9223372036854775807n, s: 9223372036854775807n }, { k: "b", m: 2, p: [2, 2], mo: 2n, x: 0n, s: 4n }),
      StopStream,
      StartStream(),
      AddData(input, { k: "a", v: 1n }, { k: "b", v: 10n }),
      CheckNewAnswer({ k: "a", m: 4611686018427387904, p: [1, 9223372036854775807], mo: 9223372036854775807n, x: 9223372036854775806n, s: null }, { k: "b", m: 2, p: [2, 10], mo: 2n, x: 10n, s: 14n }),
    );
  });
});
