/**
 * Reads one offset range [fromOffset, untilOffset) of one topic partition into rows of Spark's
 * Kafka schema (KafkaRecordToRowConverter): key, value, topic, partition, offset, timestamp,
 * timestampType, and headers when asked.
 *
 *   1. Fetch from the partition leader at the next offset (kafka.isolation.level decides whether
 *      the broker stops at the last stable offset).
 *   2. Under read_committed, drop the records of aborted transactions (the fetch response lists
 *      them; Kafka's own consumer does the same) and every control record.
 *   3. A fetch below the log start offset (data aged out, topic truncated) or a range that ends
 *      past the partition's end (topic deleted and recreated) is data loss: with failOnDataLoss it
 *      fails naming topic, partition and offsets (Spark's KafkaDataConsumer); without, the range
 *      is read from what is left and the loss is counted.
 *
 * `readRanges` reads several ranges at once (their fetches in flight together, and each range's
 * next fetch in flight while its last batch is processed) and yields them in the given order.
 * KafkaRows and appendFetched (steps 2 and the rows) are shared with the continuous reader
 * (kafka-continuous-reader.ts).
 */
import { log } from "../../common/logger.js";
import { type ColumnBatch, VectorBuilder, makeBatch } from "../../columnar/column-batch.js";
import { executionError } from "../../common/errors.js";
import type { StructType } from "../../types/struct-type.js";
import { type KafkaConsumer, hasKafkaError, isolationLevelOf, kafkaError } from "./kafka-client.js";
import type { KafkaClientConfig } from "./kafka-options.js";
import type { OffsetRange } from "./kafka-offsets.js";
import { recordTimestampMicros } from "./kafka-record-timestamp.js";

const IS_TRANSACTIONAL = 0x10;
const IS_CONTROL = 0x20;
const LOG_APPEND_TIME = 0x08;

export interface RangeReadOptions {
  readonly schema: StructType;
  readonly includeHeaders: boolean;
  readonly failOnDataLoss: boolean;
  readonly config: KafkaClientConfig;
  readonly pollTimeoutMs: number;
  readonly batchSize: number;
  /** Called with a description each time data was lost and failOnDataLoss is false. */
  readonly onDataLoss: (message: string) => void;
}

/** Spark's text for failOnDataLoss=true (KafkaSourceProvider.INSTRUCTION_FOR_FAIL_ON_DATA_LOSS_TRUE). */
export const FAIL_ON_DATA_LOSS_HINT =
  "Some data may have been lost because they are not available in Kafka any more; either the data was aged out by Kafka or the topic may have been deleted before all the data in the topic was processed. If you don't want your streaming query to fail on such cases, set the source option \"failOnDataLoss\" to \"false\".";

/** Spark's text for failOnDataLoss=false (INSTRUCTION_FOR_FAIL_ON_DATA_LOSS_FALSE). */
const CONTINUED_HINT =
  "Some data may have been lost because they are not available in Kafka any more; either the data was aged out by Kafka or the topic may have been deleted before all the data in the topic was processed. If you want your streaming query to fail on such cases, set the source option \"failOnDataLoss\" to \"true\".";

/** failOnDataLoss=false: the loss is logged as a warning, as Spark logs it, and reading goes on. */
export const warnDataLoss = (message: string): void => log.warn(`${message}. ${CONTINUED_HINT}`);

/** Report data loss: an error when failOnDataLoss, else a note through onDataLoss. */
export function reportDataLoss(o: Pick<RangeReadOptions, "failOnDataLoss" | "onDataLoss">, message: string, context: Record<string, string | number>): void {
  if (o.failOnDataLoss) throw executionError("KAFKA_DATA_LOSS", `${message}. ${FAIL_ON_DATA_LOSS_HINT}`, context);
  o.onDataLoss(message);
}

/** One partition of a Fetch response. */
export type FetchedPartition = Awaited<ReturnType<KafkaConsumer["fetch"]>>["responses"][number]["partitions"][number];
type FetchedRecord = NonNullable<FetchedPartition["records"]>[number]["records"][number];

/** Rows of Spark's Kafka schema as they are appended, cut into batches of `batchSize`. */
export class KafkaRows {
  /** The full batches not taken yet. */
  readonly #ready: ColumnBatch[] = [];
  #cols: VectorBuilder[];

  constructor(
    private readonly o: Pick<RangeReadOptions, "schema" | "batchSize" | "includeHeaders">,
    capacity = o.batchSize,
  ) {
    this.#cols = this.#builders(capacity);
  }

  #builders(capacity: number): VectorBuilder[] {
    return this.o.schema.fields.map((f) => new VectorBuilder(f.type, capacity));
  }

  add(topic: string, partition: number, offset: number, r: FetchedRecord, tsMs: bigint, logAppend: boolean): void {
    const cols = this.#cols;
    cols[0]!.append(r.key);
    cols[1]!.append(r.value);
    cols[2]!.append(topic);
    cols[3]!.append(partition);
    cols[4]!.append(offset);
    cols[5]!.append(recordTimestampMicros(tsMs, topic, partition, offset));
    cols[6]!.append(logAppend ? 1 : 0);
    // A record without headers has NULL headers, as in Spark (test/kafka/parity, "headers").
    if (this.o.includeHeaders) cols[7]!.append(r.headers.length === 0 ? null : r.headers.map(([hk, hv]) => ({ key: hk?.toString("utf8") ?? null, value: hv })));
    if (cols[0]!.length >= this.o.batchSize) this.#ready.push(this.#flush());
  }

  #flush(): ColumnBatch {
    const n = this.#cols[0]!.length;
    const b = makeBatch(this.o.schema, this.#cols.map((c) => c.finish()), n);
    this.#cols = this.#builders(this.o.batchSize);
    return b;
  }

  /** The full batches appended so far; with `all`, the rows of a partial batch too. */
  take(all: boolean): ColumnBatch[] {
    if (all && this.#cols[0]!.length > 0) this.#ready.push(this.#flush());
    return this.#ready.splice(0);
  }
}

/**
 * Append the records of one fetched partition at or after `offset` and below `until` to `rows`:
 * under read_committed without the records of aborted transactions (the fetch response lists
 * them; Kafka's Fetcher keeps the same bookkeeping) and every control record. Returns the offset
 * to fetch next.
 */
export function appendFetched(p: FetchedPartition, topic: string, partition: number, offset: number, until: number, readCommitted: boolean, rows: KafkaRows): number {
  const pending = [...p.abortedTransactions].sort((a, b) => Number(a.firstOffset - b.firstOffset));
  const aborted = new Set<bigint>();
  for (const batch of p.records ?? []) {
    const base = Number(batch.firstOffset);
    const next = base + batch.lastOffsetDelta + 1;
    if (readCommitted) {
      while (pending.length > 0 && Number(pending[0]!.firstOffset) <= base + batch.lastOffsetDelta) aborted.add(pending.shift()!.producerId);
    }
    if (batch.attributes & IS_CONTROL) {
      // A control batch holds one marker: key int16 version, int16 type (0 ABORT, 1 COMMIT).
      if (batch.records[0]?.key?.readInt16BE(2) === 0) aborted.delete(batch.producerId);
      offset = Math.max(offset, next);
      continue;
    }
    const skip = readCommitted && (batch.attributes & IS_TRANSACTIONAL) !== 0 && aborted.has(batch.producerId);
    if (!skip) {
      const logAppend = (batch.attributes & LOG_APPEND_TIME) !== 0;
      for (const r of batch.records) {
        const off = base + r.offsetDelta;
        if (off < offset || off >= until) continue;
        rows.add(topic, partition, off, r, logAppend ? batch.maxTimestamp : batch.firstTimestamp + r.timestampDelta, logAppend);
      }
    }
    offset = Math.max(offset, next);
  }
  return offset;
}

export async function* readRange(consumer: KafkaConsumer, range: OffsetRange, o: RangeReadOptions): AsyncGenerator<ColumnBatch> {
  const { topic, partition, untilOffset } = range;
  const isolationLevel = await isolationLevelOf(o.config);
  const rows = new KafkaRows(o, Math.min(o.batchSize, untilOffset - range.fromOffset));
  const ctx = { topic, partition, fromOffset: range.fromOffset, untilOffset };
  let offset = range.fromOffset;
  const deadline = Date.now() + o.pollTimeoutMs;
  // Set when a fetch named a topic id the broker no longer hosts: the metadata is asked again.
  let staleTopicId = false;
  while (offset < untilOffset) {
    const md = await consumer.metadata({ topics: [topic], forceUpdate: staleTopicId }).catch((e: unknown) => {
      if (hasKafkaError(e, "UNKNOWN_TOPIC_OR_PARTITION") || /Unknown topic/.test((e as Error).message)) return undefined;
      throw kafkaError(`reading ${topic}-${partition}`, o.config, e);
    });
    const t = md?.topics.get(topic);
    if (!t || partition >= t.partitionsCount) {
      reportDataLoss(o, `Cannot fetch offsets ${offset}..${untilOffset} of ${topic}-${partition}: the topic partition is gone`, ctx);
      break;
    }
    let res;
    try {
      res = await consumer.fetch({
        node: t.partitions[partition]!.leader,
        isolationLevel,
        maxWaitTime: Math.min(o.config.fetchMaxWaitMs ?? 500, 500),
        ...(o.config.fetchMaxBytes !== undefined ? { maxBytes: o.config.fetchMaxBytes } : {}),
        topics: [{ topicId: t.id, partitions: [{ partition, fetchOffset: BigInt(offset), partitionMaxBytes: o.config.maxPartitionFetchBytes ?? 1_048_576, currentLeaderEpoch: -1, lastFetchedEpoch: -1 }] }],
      });
    } catch (e) {
      // The topic was deleted (and maybe created again) since the metadata was read: ask again
      // until kafkaConsumer.pollTimeoutMs, as Kafka's consumer does, then it is data loss.
      if (hasKafkaError(e, "UNKNOWN_TOPIC_ID")) {
        if (Date.now() > deadline) {
          reportDataLoss(o, `Cannot fetch offsets ${offset}..${untilOffset} of ${topic}-${partition}: the topic was deleted`, ctx);
          break;
        }
        staleTopicId = true;
        await new Promise((r) => setTimeout(r, o.config.retryBackoffMs ?? 100));
        continue;
      }
      if (!hasKafkaError(e, "OFFSET_OUT_OF_RANGE")) throw kafkaError(`fetching ${topic}-${partition} at offset ${offset}`, o.config, e);
      const earliest = await earliestOffset(consumer, topic, partition, o.config);
      if (earliest > offset) {
        reportDataLoss(o, `Cannot fetch offset ${offset} of ${topic}-${partition} (the earliest available is ${earliest}); offsets ${offset}..${Math.min(earliest, untilOffset) - 1} are lost`, { ...ctx, earliest });
        offset = earliest;
        continue;
      }
      reportDataLoss(o, `Cannot fetch offsets ${offset}..${untilOffset} of ${topic}-${partition}: they are past the partition's end`, ctx);
      break;
    }
    const p = res.responses[0]?.partitions[0];
    if (!p) throw kafkaError(`fetching ${topic}-${partition}`, o.config, new Error("empty fetch response"));
    const end = Number(o.config.readCommitted ? p.lastStableOffset : p.highWatermark);
    if ((p.records ?? []).length === 0) {
      if (end >= 0 && end <= offset && end < untilOffset && Number(p.highWatermark) <= offset) {
        reportDataLoss(o, `Cannot fetch offsets ${offset}..${untilOffset} of ${topic}-${partition}: the partition ends at ${p.highWatermark}`, { ...ctx, highWatermark: Number(p.highWatermark) });
        break;
      }
      if (Date.now() > deadline) throw executionError("KAFKA_FETCH_TIMEOUT", `Timed out after ${o.pollTimeoutMs} ms (kafkaConsumer.pollTimeoutMs) fetching ${topic}-${partition} at offset ${offset}`, ctx);
      continue;
    }
    offset = appendFetched(p, topic, partition, offset, untilOffset, o.config.readCommitted, rows);
    yield* rows.take(false);
  }
  yield* rows.take(true);
}

/**
 * Every range of `ranges`, in order, as readRange reads it, but with all first fetches sent at once
 * and one batch of each range read ahead: a trigger over N partitions waits for about one fetch,
 * not N in turn.
 */
export async function* readRanges(consumer: KafkaConsumer, ranges: readonly OffsetRange[], o: RangeReadOptions, isAborted: () => void): AsyncGenerator<ColumnBatch> {
  const readers = ranges.map((r) => readRange(consumer, r, o));
  // A read that fails while an earlier range is consumed must not be an unhandled rejection; its
  // error is thrown when its turn comes.
  const ahead = (g: AsyncGenerator<ColumnBatch>): Promise<IteratorResult<ColumnBatch>> => {
    const next = g.next();
    next.catch(() => undefined);
    return next;
  };
  const heads = readers.map(ahead);
  try {
    for (let i = 0; i < readers.length; i++) {
      for (let r = await heads[i]!; !r.done; ) {
        isAborted();
        const next = ahead(readers[i]!);
        yield r.value;
        r = await next;
      }
    }
  } finally {
    for (const g of readers) g.return(undefined).catch(() => undefined);
  }
}

async function earliestOffset(consumer: KafkaConsumer, topic: string, partition: number, config: KafkaClientConfig): Promise<number> {
  try {
    const r = await consumer.listOffsets({ topics: [topic], partitions: { [topic]: [partition] }, timestamp: -2n });
    return Number(r.get(topic)?.[partition] ?? 0n);
  } catch (e) {
    throw kafkaError(`listing the earliest offset of ${topic}-${partition}`, config, e);
  }
}
