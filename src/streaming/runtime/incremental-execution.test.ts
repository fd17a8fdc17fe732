import { describe, expect, it } from "vitest";
import { restorePinnedConf } from "./incremental-execution.js";

describe("restorePinnedConf (Spark's OffsetSeqMetadata.setSessionConf)", () => {
  const session = { "spark.sql.shuffle.partitions": "32", "spark.sql.streaming.stateStore.providerClass": "leveldb", "spark.sql.streaming.multipleWatermarkPolicy": "max" };

  it("the checkpoint's values win over the session's, with a warning naming the key, both values and the file", () => {
    const warnings: string[] = [];
    const conf = restorePinnedConf({ "spark.sql.shuffle.partitions": "7", "spark.sql.streaming.stateStore.providerClass": "leveldb", "spark.sql.streaming.multipleWatermarkPolicy": "min" }, session, "chk/offsets/4", (m) => warnings.push(m));
    expect(conf).toEqual({ "spark.sql.shuffle.partitions": "7", "spark.sql.streaming.stateStore.providerClass": "leveldb", "spark.sql.streaming.multipleWatermarkPolicy": "min" });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain("spark.sql.shuffle.partitions is 7 in the checkpoint (chk/offsets/4); the session's value 32 is ignored");
  });

  it("a key an older checkpoint did not log takes the value that checkpoint ran with (one partition, memory, min)", () => {
    const conf = restorePinnedConf({}, session, "chk/offsets/0", () => undefined);
    expect(conf).toEqual({ "spark.sql.shuffle.partitions": "1", "spark.sql.streaming.stateStore.providerClass": "memory", "spark.sql.streaming.multipleWatermarkPolicy": "min" });
  });
});
