/**
 * explain() of a Kafka stream plans its scan without a broker and checks the options as a
 * stream's: stream-only options (maxOffsetsPerTrigger, minOffsetsPerTrigger) are accepted there,
 * and still refused in a batch read. Before, the explain planned the scan as a batch read and
 * failed on them — also inside the UI's and event log's query start, where it surfaced as a
 * listener failure on every such query.
 */
import { describe, expect, it } from "vitest";
import { Session, SluiceError } from "../../src/index.js";

const spark = Session.builder().getOrCreate();
const options = { "kafka.bootstrap.servers": "127.0.0.1:9", subscribe: "events", maxOffsetsPerTrigger: "5", minOffsetsPerTrigger: "2" };

describe("explain() of a Kafka stream", () => {
  it("shows the Kafka scan of a stream with stream-only options", () => {
    const df = spark.readStream.format("kafka").options(options).load().selectExpr("CAST(value AS STRING) AS v");
    expect(df.explainString("simple")).toMatch(/Kafka\w*ScanExec/);
  });

  it("a batch read with those options is still refused by name", () => {
    let err: unknown;
    try {
      spark.read.format("kafka").options(options).load().explainString("simple");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SluiceError);
    expect((err as SluiceError).message).toMatch(/maxOffsetsPerTrigger applies to streaming reads only/);
  });
});
