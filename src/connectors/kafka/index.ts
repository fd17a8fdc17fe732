/**
 * The `kafka` format: streaming source, batch read, streaming sink and batch write, with Spark's
 * options (kafka-options.ts). The session wires these in (session/stream-connectors.ts,
 * embedded-executor.ts); the client library loads only when a Kafka query runs.
 */
import type { Clock } from "../../common/clock.js";
import type { ColumnBatch } from "../../columnar/column-batch.js";
import { analysisError } from "../../common/errors.js";
import type { ExecutionPlan } from "../../physical/execution-plan.js";
import type { DataSourceSpec } from "../../plan/logical-plan.js";
import type { StructType } from "../../types/struct-type.js";
import { kafkaBatchScanExec } from "./kafka-batch-read.js";
import { parseKafkaSinkOptions, parseKafkaSourceOptions } from "./kafka-options.js";
import { kafkaSchema } from "./kafka-scan.js";
import { KafkaSink, writeKafkaBatch } from "./kafka-sink.js";
import { KafkaSource } from "./kafka-source.js";

export { KafkaSink, MARKER_TOPIC } from "./kafka-sink.js";
export { KafkaSource } from "./kafka-source.js";
export { kafkaSchema } from "./kafka-scan.js";

/** Schema of a kafka read; checks the options now, so a bad one fails at load(), as in Spark. */
export function kafkaReadSchema(spec: DataSourceSpec, streaming: boolean): StructType {
  const opts = parseKafkaSourceOptions(spec.options, streaming);
  if (spec.userSchema) throw analysisError("KAFKA_FIXED_SCHEMA", "Kafka source has a fixed schema and cannot be set with a custom one", { format: "kafka" });
  return kafkaSchema(opts.includeHeaders);
}

/**
 * The batch scan of `spark.read.format("kafka")`; with `streaming`, the scan a stream's explain()
 * shows (planned, never run: micro-batches read through the source), so the options are checked as
 * a stream's and stream-only ones such as maxOffsetsPerTrigger are accepted.
 */
export const kafkaBatchScan = (spec: DataSourceSpec, streaming = false): ExecutionPlan => kafkaBatchScanExec(parseKafkaSourceOptions(spec.options, streaming));

/** The streaming source for one scan; `checkpointDir` is its `sources/<i>` folder. */
export const createKafkaSource = (spec: DataSourceSpec, checkpointDir: string, clock: Clock): KafkaSource => new KafkaSource(parseKafkaSourceOptions(spec.options, true), checkpointDir, clock);

/** The streaming sink; `checkpointDir` is the query's (its metadata holds the query id). */
export const createKafkaSink = (options: Readonly<Record<string, string>>, schema: StructType, checkpointDir: string): KafkaSink => new KafkaSink(parseKafkaSinkOptions(options), checkpointDir, schema);

/** `df.write.format("kafka").save()`. */
export const saveKafka = (schema: StructType, batches: AsyncIterable<ColumnBatch>, mode: string, options: Readonly<Record<string, string>>): Promise<void> =>
  writeKafkaBatch(schema, batches, mode, parseKafkaSinkOptions(options));
