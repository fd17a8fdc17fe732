/**
 * Batch read `spark.read.format("kafka")` (Spark's KafkaRelation / KafkaBatch): the rows between
 * startingOffsets (default earliest) and endingOffsets (default latest), both resolved when the
 * read runs, for the partitions the strategy covers at that moment.
 */
import { randomUUID } from "node:crypto";
import { configError } from "../../common/errors.js";
import type { ExecutionPlan } from "../../physical/execution-plan.js";
import { KafkaAdminReader } from "./kafka-client.js";
import type { KafkaSourceOptions } from "./kafka-options.js";
import { entries, offsetOf, splitRanges, tpKey } from "./kafka-offsets.js";
import { warnDataLoss } from "./kafka-range-reader.js";
import { kafkaScanExec } from "./kafka-scan.js";

export function kafkaBatchScanExec(opts: KafkaSourceOptions): ExecutionPlan {
  const reader = new KafkaAdminReader(opts.client, opts.strategy, `${opts.groupIdPrefix}-${randomUUID()}`, { attempts: opts.fetchOffsetRetries, intervalMs: opts.fetchOffsetRetryIntervalMs });
  const inner = kafkaScanExec(
    "KafkaBatchScanExec",
    reader,
    opts,
    `${opts.starting.kind} to ${opts.ending.kind}`,
    async () => {
      const tps = await reader.topicPartitions();
      const from = await reader.resolve(opts.starting, tps, true, opts.noMatchLatest);
      const until = await reader.resolve(opts.ending, tps, false, opts.noMatchLatest);
      const ranges = entries(until).map((e) => {
        const fromOffset = offsetOf(from, e.topic, e.partition)!;
        if (fromOffset > e.offset) {
          // Spark's KafkaSourceRDD refuses such a range the same way.
          throw configError("KAFKA_START_AFTER_END", `Beginning offset ${fromOffset} is after the ending offset ${e.offset} for topic ${e.topic} partition ${e.partition} (${tpKey(e.topic, e.partition)}): check startingOffsets and endingOffsets`, { topic: e.topic, partition: e.partition });
        }
        return { topic: e.topic, partition: e.partition, fromOffset, untilOffset: e.offset };
      });
      return splitRanges(ranges, opts.minPartitions);
    },
    warnDataLoss,
  );
  return {
    ...inner,
    async *execute(ctx) {
      try {
        yield* inner.execute(ctx);
      } finally {
        await reader.close();
      }
    },
  };
}
