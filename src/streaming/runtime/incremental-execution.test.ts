import { describe, expect, it } from "vitest";
import type { ResolvedPlan } from "../../plan/resolved-plan.js";
import { IncrementalExecution, restorePinnedConf } from "./incremental-execution.js";

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

describe("pinned state formats", () => {
  const session = { "sluice.streaming.stateStore.keyFormat": "binary", "spark.sql.streaming.stateStore.compression.codec": "gzip" };
  const plan = { kind: "scan" } as unknown as ResolvedPlan;

  it("a checkpoint from before binary keys and compressed state files keeps JSON keys and plain files", () => {
    expect(restorePinnedConf({}, session, "chk/offsets/0", () => undefined)).toEqual({ "sluice.streaming.stateStore.keyFormat": "json", "spark.sql.streaming.stateStore.compression.codec": "none" });
  });

  it("a value this Sluice does not know (a newer checkpoint's) is refused, naming the key and the value", () => {
    const incremental = new IncrementalExecution(plan, "chk", "memory", { minDeltasForSnapshot: 10, minVersionsToRetain: 100 });
    expect(() => incremental.usePinnedConf({ "sluice.streaming.stateStore.keyFormat": "v9" })).toThrowError(
      expect.objectContaining({ code: "INVALID_CONF_VALUE", message: "sluice.streaming.stateStore.keyFormat is 'v9' in the checkpoint; this Sluice knows json and binary" }),
    );
    expect(() => incremental.usePinnedConf({ "spark.sql.streaming.stateStore.compression.codec": "lz4" })).toThrowError(expect.objectContaining({ code: "INVALID_CONF_VALUE", message: expect.stringContaining("'lz4'") }));
  });
});
