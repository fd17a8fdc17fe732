/**
 * Spark's Kafka schema and the physical scan that reads a set of offset ranges (one input
 * partition each, in order) for both the streaming source's batches and batch reads.
 */
import { throwIfAborted, type ExecutionPlan } from "../../physical/execution-plan.js";
import { StructType } from "../../types/struct-type.js";
import type { KafkaAdminReader } from "./kafka-client.js";
import type { KafkaSourceOptions } from "./kafka-options.js";
import type { OffsetRange } from "./kafka-offsets.js";
import { readRanges } from "./kafka-range-reader.js";

const BASE = "key BINARY, value BINARY, topic STRING, partition INT, offset BIGINT, timestamp TIMESTAMP, timestampType INT";

/** Spark's KafkaRecordToRowConverter.kafkaSchema. */
export const kafkaSchema = (includeHeaders: boolean): StructType =>
  StructType.fromDDL(includeHeaders ? `${BASE}, headers ARRAY<STRUCT<key: STRING, value: BINARY>>` : BASE);

/**
 * A scan over the ranges `plan()` computes when the scan runs (offset lookups need the broker),
 * read together (readRanges) and yielded in order.
 * `onDataLoss` counts what failOnDataLoss=false let through.
 */
export function kafkaScanExec(name: string, reader: KafkaAdminReader, opts: KafkaSourceOptions, describe: string, plan: () => Promise<OffsetRange[]>, onDataLoss: (message: string) => void): ExecutionPlan {
  const schema = kafkaSchema(opts.includeHeaders);
  return {
    name,
    schema,
    children: [],
    describe: () => `${name}: ${describe}`,
    async *execute(ctx) {
      const ranges = await plan();
      const consumer = await reader.consumer();
      throwIfAborted(ctx);
      const o = { schema, includeHeaders: opts.includeHeaders, failOnDataLoss: opts.failOnDataLoss, config: opts.client, pollTimeoutMs: opts.pollTimeoutMs, batchSize: ctx.batchSize, onDataLoss };
      yield* readRanges(consumer, ranges, o, () => throwIfAborted(ctx));
    },
  };
}
