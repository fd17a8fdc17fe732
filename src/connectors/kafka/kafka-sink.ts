/**
 * Kafka sink (`writeStream.format("kafka")`) and batch write (`write.format("kafka")`).
 *
 * At-least-once by default, as Spark: each micro-batch's rows are sent as they stream in (one
 * send in flight while the next rows are read, kafka-send-pipeline.ts), and a batch re-run after
 * a crash sends them again.
 *
 * Exactly-once with `option("kafka.transactional", "true")` (beyond Spark):
 *   1. The producer's transactional.id is `sluice-<query id>`: the same on every restart, so
 *      when a restarted query initializes its producer, Kafka aborts whatever the previous run
 *      left open and fences that run's producer (a zombie can no longer commit).
 *   2. Each micro-batch is one transaction holding its rows plus one marker record in the
 *      compacted topic `_sluice_sink_commits` (key: the transactional.id, value: the batch id).
 *      Rows and marker become visible together, or not at all.
 *   3. Before its first batch the sink reads its last committed batch id from the marker topic
 *      (read_committed); a re-run batch at or below it is skipped, so it is never written twice.
 * Readers see each row once when they read with kafka.isolation.level=read_committed.
 */
import { configError, executionError } from "../../common/errors.js";
import type { ColumnBatch } from "../../columnar/column-batch.js";
import { readStreamMetadata } from "../../streaming/checkpoint/stream-metadata-file.js";
import type { StructType } from "../../types/struct-type.js";
import type { BatchData, StreamSink } from "../api/sink.js";
import { type KafkaProducer, KafkaAdminReader, baseOptions, closeQuietly, hasKafkaError, kafkaError, loadProducer } from "./kafka-client.js";
import type { KafkaClientConfig, KafkaSinkOptions } from "./kafka-options.js";
import { type KafkaMessage, kafkaMessages, kafkaRowLayout } from "./kafka-rows.js";
import { KafkaSendPipeline } from "./kafka-send-pipeline.js";
import { readRange } from "./kafka-range-reader.js";
import { kafkaSchema } from "./kafka-scan.js";

export const MARKER_TOPIC = "_sluice_sink_commits";

/** Sends batches of rows to Kafka with one producer; transactional when `transactionalId` is set. */
class KafkaWriter {
  #producer: Promise<KafkaProducer> | undefined;

  constructor(
    private readonly config: KafkaClientConfig,
    private readonly topic: string | undefined,
    private readonly transactionalId?: string,
  ) {}

  producer(): Promise<KafkaProducer> {
    return (this.#producer ??= loadProducer().then(
      (k) =>
        new k.Producer({
          ...baseOptions(this.config, "sink"),
          acks: this.config.acks ?? -1,
          // Kafka's producer defaults (since 3.0): idempotent, acks=all.
          idempotent: this.transactionalId !== undefined || (this.config.idempotent ?? true),
          // InitProducerId asks for a new producer id with -1/-1 (the client's default, 0/0, names
          // an existing producer: Kafka refuses it as fenced once the id is in use).
          ...(this.transactionalId !== undefined ? { transactionalId: this.transactionalId, producerId: -1n, producerEpoch: -1 } : {}),
          ...(this.config.compression !== undefined ? { compression: this.config.compression } : {}),
        }),
    ));
  }

  /**
   * Send every row of `batches`; with `send` given (a transaction's), through it. Sends overlap
   * the reading of the batches after them (kafka-send-pipeline.ts); all are acknowledged when
   * this resolves.
   */
  async write(schema: StructType, batches: AsyncIterable<ColumnBatch>, send?: (messages: KafkaMessage[]) => Promise<unknown>): Promise<void> {
    const layout = kafkaRowLayout(schema, this.topic);
    const p = await this.producer();
    const out = send ?? ((messages: KafkaMessage[]) => p.send({ messages }));
    const pipeline = new KafkaSendPipeline(async (messages) => {
      try {
        await out(messages);
      } catch (e) {
        throw kafkaError(`writing ${messages.length} records`, this.config, e);
      }
    });
    try {
      for await (const b of batches) await pipeline.add(kafkaMessages(b, layout, this.topic));
      await pipeline.flush();
    } catch (e) {
      await pipeline.drop();
      throw e;
    }
  }

  async close(): Promise<void> {
    const p = this.#producer;
    this.#producer = undefined;
    await closeQuietly(p);
  }
}

/** `df.write.format("kafka")`: Spark accepts append and errorifexists (the default); both append. */
export async function writeKafkaBatch(schema: StructType, batches: AsyncIterable<ColumnBatch>, mode: string, opts: KafkaSinkOptions): Promise<void> {
  if (mode === "overwrite" || mode === "ignore") {
    throw configError("KAFKA_SAVE_MODE", `Save mode ${mode === "overwrite" ? "Overwrite" : "Ignore"} not allowed for Kafka. Allowed save modes are Append and ErrorIfExists (default).`, { mode });
  }
  if (opts.transactional) throw configError("INVALID_OPTION", "kafka.transactional applies to streaming writes (one transaction per micro-batch); a batch write is at-least-once", { option: "kafka.transactional" });
  kafkaRowLayout(schema, opts.topic);
  const w = new KafkaWriter(opts.client, opts.topic);
  try {
    await w.write(schema, batches);
  } finally {
    await w.close();
  }
}

export class KafkaSink implements StreamSink {
  readonly description: string;
  #writer: KafkaWriter | undefined;
  #lastCommitted: number | undefined;

  constructor(
    private readonly opts: KafkaSinkOptions,
    private readonly checkpointDir: string,
    schema: StructType,
  ) {
    kafkaRowLayout(schema, opts.topic);
    this.description = `KafkaSink[${opts.topic ?? "topic column"}${opts.transactional ? ", transactional" : ""}]`;
  }

  async addBatch(batchId: number, data: BatchData): Promise<void> {
    if (!this.opts.transactional) {
      await (this.#writer ??= new KafkaWriter(this.opts.client, this.opts.topic)).write(data.schema, data.batches);
      return;
    }
    const txId = `sluice-${readStreamMetadata(this.checkpointDir).id}`;
    const { writer: w, tx } = await this.#begin(txId, batchId);
    try {
      this.#lastCommitted ??= await this.#readLastCommitted(txId);
      if (batchId <= this.#lastCommitted) {
        await tx.abort();
        return;
      }
      await w.write(data.schema, data.batches, (messages) => tx.send({ messages }));
      await tx.send({ messages: [{ topic: MARKER_TOPIC, key: Buffer.from(txId), value: Buffer.from(String(batchId)) }] });
      await tx.commit();
      this.#lastCommitted = batchId;
    } catch (e) {
      if (!tx.completed) await tx.abort().catch(() => undefined);
      // A fenced producer (another run took over) is closed: the next batch starts afresh.
      if (hasKafkaError(e, "PRODUCER_FENCED") || hasKafkaError(e, "INVALID_PRODUCER_EPOCH")) await this.stop();
      throw kafkaError(`writing batch ${batchId} in transaction ${txId}`, this.opts.client, e);
    }
  }

  /**
   * Begin batch `batchId`'s transaction. The first begin of a producer initializes its id, which
   * fences an earlier run and makes Kafka abort what that run left open; until that abort is done
   * Kafka answers CONCURRENT_TRANSACTIONS, so a fresh producer tries again (the client's own retry
   * reuses the failed epoch and is refused as fenced).
   */
  async #begin(txId: string, batchId: number) {
    for (let attempt = 1; ; attempt++) {
      const writer = (this.#writer ??= new KafkaWriter(this.opts.client, this.opts.topic, txId));
      try {
        return { writer, tx: await (await writer.producer()).beginTransaction() };
      } catch (e) {
        await this.stop();
        if (!hasKafkaError(e, "CONCURRENT_TRANSACTIONS") || attempt >= 40) throw kafkaError(`starting transaction ${txId} for batch ${batchId}`, this.opts.client, e);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  async stop(): Promise<void> {
    const w = this.#writer;
    this.#writer = undefined;
    await w?.close();
  }

  /** The highest batch id committed under `txId`, or -1; creates the marker topic when missing. */
  async #readLastCommitted(txId: string): Promise<number> {
    const config = { ...this.opts.client, readCommitted: true };
    const reader = new KafkaAdminReader(config, { kind: "assign", partitions: [{ topic: MARKER_TOPIC, partition: 0 }] }, `${txId}-marker`);
    try {
      if ((await reader.topicPartitions()).length === 0) {
        try {
          await (await reader.admin()).createTopics({ topics: [MARKER_TOPIC], partitions: 1, configs: [{ name: "cleanup.policy", value: "compact" }] });
        } catch (e) {
          if (!hasKafkaError(e, "TOPIC_ALREADY_EXISTS")) throw kafkaError(`creating the marker topic ${MARKER_TOPIC}`, config, e);
        }
        return -1;
      }
      const tp = [{ topic: MARKER_TOPIC, partition: 0 }];
      const [from, until] = [await reader.listOffsets(tp, -2), await reader.listOffsets(tp, -1)];
      let last = -1;
      const range = { topic: MARKER_TOPIC, partition: 0, fromOffset: from.get(MARKER_TOPIC)!.get(0)!, untilOffset: until.get(MARKER_TOPIC)!.get(0)! };
      const schema = kafkaSchema(false);
      const rows = readRange(await reader.consumer(), range, { schema, includeHeaders: false, failOnDataLoss: false, config, pollTimeoutMs: 60_000, batchSize: 1024, onDataLoss: () => undefined });
      for await (const b of rows) {
        const keys = b.columns[0]!.values as (Uint8Array | null)[];
        const values = b.columns[1]!.values as (Uint8Array | null)[];
        for (let i = 0; i < b.numRows; i++) {
          if (keys[i] && Buffer.from(keys[i]!).toString() === txId && values[i]) last = Number(Buffer.from(values[i]!).toString());
        }
      }
      if (!Number.isInteger(last)) throw executionError("KAFKA_MARKER_CORRUPT", `The marker topic ${MARKER_TOPIC} holds a value for ${txId} that is not a batch id`, { topic: MARKER_TOPIC });
      return last;
    } finally {
      await reader.close();
    }
  }
}
