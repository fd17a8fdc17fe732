/**
 * A Kafka record's timestamp (milliseconds since the epoch) as a TIMESTAMP value (microseconds),
 * as Spark's KafkaRecordToRowConverter converts it: milliseconds × 1000 must fit a 64-bit long
 * (Spark's Math.multiplyExact). A producer that wrote nanoseconds or microseconds overflows it;
 * Spark fails the query with KAFKA_MALFORMED_RECORD_TIMESTAMP (SQLSTATE 22008) naming the record
 * (SPARK-56243), and so does Sluice.
 */
import { inputError } from "../../common/errors.js";

/** The largest millisecond count whose microseconds fit a long (Long.MaxValue / 1000). */
const MAX_MS = 9_223_372_036_854_775n;

/** `tsMs` in microseconds, or KAFKA_MALFORMED_RECORD_TIMESTAMP naming the record. */
export function recordTimestampMicros(tsMs: bigint, topic: string, partition: number, offset: number): number {
  if (tsMs > MAX_MS || tsMs < -MAX_MS) {
    throw inputError(
      "KAFKA_MALFORMED_RECORD_TIMESTAMP",
      `The Kafka record at offset ${offset} of topic ${topic} partition ${partition} has timestamp ${tsMs}, which overflows a TIMESTAMP when its milliseconds are converted to microseconds. Check that the producer writes milliseconds since the epoch (not micro- or nanoseconds).`,
      { topic, partition, offset, timestamp: String(tsMs), sqlState: "22008" },
      new RangeError(`long overflow: ${tsMs} × 1000`),
    );
  }
  return Number(tsMs) * 1000;
}
