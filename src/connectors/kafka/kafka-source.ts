/**
 * Streaming Kafka source (`readStream.format("kafka")`), after Spark's KafkaMicroBatchStream.
 *
 *   1. The first time a query runs, startingOffsets (or a timestamp) is resolved once and kept
 *      in the source's checkpoint folder (`sources/<i>/initialOffsets`, as Spark's
 *      KafkaSourceInitialOffsetWriter), so a restart before the first batch starts at the same place.
 *   2. latestOffset: the latest offsets of the partitions the strategy covers now (new partitions
 *      and topics appear, deleted ones drop out); minOffsetsPerTrigger delays a batch until enough
 *      offsets are new or maxTriggerDelay passed; maxOffsetsPerTrigger caps it (rateLimit).
 *      Trigger.AvailableNow fixes the latest offsets at its first call and never reads past them.
 *   3. getBatch(start, end): a partition new since `start` is read from its earliest offset (not 0
 *      is data loss), a partition gone since `start` is data loss, an end before its start is data
 *      loss; then the ranges are split for minPartitions and read.
 *
 * Continuous trigger (getContinuous, after Spark's KafkaContinuousStream): each epoch reads what
 * arrives through long-poll fetches until it ends (kafka-continuous-reader.ts); the epoch's end is
 * the offsets read up to.
 *
 * Offsets are Spark's JSON (`{"events":{"0":42}}`). The start of the first batch has no offsets
 * yet (null, as Spark shows it in progress) until step 1 ran.
 */
import { createHash, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Clock } from "../../common/clock.js";
import { executionError } from "../../common/errors.js";
import { type ExecutionPlan, throwIfAborted } from "../../physical/execution-plan.js";
import { writeFileAtomic } from "../../streaming/checkpoint/atomic-file.js";
import { CHECKPOINT_FILE, checksummedPieces, readChecksummed } from "../../streaming/checkpoint/checksummed-file.js";
import type { Offset, ReadLimit, StreamSource } from "../api/source.js";
import { KafkaAdminReader } from "./kafka-client.js";
import type { KafkaSourceOptions } from "./kafka-options.js";
import { readEpoch } from "./kafka-continuous-reader.js";
import { EARLIEST, type OffsetRange, type PartitionOffsets, entries, offsetOf, offsetsToJson, parseOffsetsJson, rateLimit, splitRanges, tpKey } from "./kafka-offsets.js";
import { reportDataLoss, warnDataLoss } from "./kafka-range-reader.js";
import { kafkaScanExec, kafkaSchema } from "./kafka-scan.js";

/** The offset of a query that has not resolved its starting offsets yet. */
type KafkaOffset = PartitionOffsets | null;

export class KafkaSource implements StreamSource {
  readonly schema;
  readonly description: string;
  readonly #reader: KafkaAdminReader;
  readonly #initialFile: string;
  #initial: PartitionOffsets | undefined;
  #latestAvailable: PartitionOffsets | undefined;
  #availableNow = false;
  #availableNowEnd: PartitionOffsets | undefined;
  /** Where the available-now run started, when it fixed its end. */
  #availableNowStart: PartitionOffsets | undefined;
  #lastTriggerMs = 0;

  constructor(
    private readonly opts: KafkaSourceOptions,
    checkpointDir: string,
    private readonly clock: Clock,
  ) {
    this.schema = kafkaSchema(opts.includeHeaders);
    const s = opts.strategy;
    const what = s.kind === "assign" ? `Assign[${s.partitions.map((p) => tpKey(p.topic, p.partition)).join(", ")}]` : s.kind === "subscribe" ? `Subscribe[${s.topics.join(", ")}]` : `SubscribePattern[${s.pattern.source.slice(4, -2)}]`;
    this.description = `KafkaV2[${what}]`;
    // Spark: a unique group id per query, so that no two queries share a consumer group.
    const hash = createHash("sha256").update(checkpointDir).digest("hex").slice(0, 8);
    this.#reader = new KafkaAdminReader(opts.client, s, `${opts.groupIdPrefix}-${randomUUID()}-${hash}-driver`, { attempts: opts.fetchOffsetRetries, intervalMs: opts.fetchOffsetRetryIntervalMs });
    this.#initialFile = join(checkpointDir, "initialOffsets");
    if (existsSync(this.#initialFile)) {
      const { body } = readChecksummed(this.#initialFile, CHECKPOINT_FILE);
      this.#initial = parseOffsetsJson(body.split("\n")[0] ?? "", `Checkpoint file ${this.#initialFile}`, true);
    }
  }

  initialOffset(): Offset {
    return this.#initial ?? null;
  }

  defaultReadLimit(): ReadLimit {
    // The engine's ReadLimit has no minimum; any limit other than "all" (Trigger.Once) lets
    // latestOffset apply minOffsetsPerTrigger itself.
    const max = this.opts.maxOffsetsPerTrigger;
    if (max !== undefined) return { kind: "maxRows", rows: max };
    return this.opts.minOffsetsPerTrigger !== undefined ? { kind: "maxRows", rows: Number.MAX_SAFE_INTEGER } : { kind: "all" };
  }

  async prepareForTriggerAvailableNow(): Promise<void> {
    this.#availableNow = true;
  }

  async latestOffset(start: Offset, limit: ReadLimit): Promise<Offset> {
    const from = (start as KafkaOffset) ?? (await this.#initialOffsets());
    let latest: PartitionOffsets;
    if (this.#availableNow) {
      if (!this.#availableNowEnd) [this.#availableNowEnd, this.#availableNowStart] = [await this.#fetchLatest(), from];
      latest = this.#availableNowEnd;
    } else latest = await this.#fetchLatest();
    this.#latestAvailable = latest;
    // SPARK-41375: no partition at all (every topic deleted) is no new data, never an empty offset.
    if (entries(latest).length === 0) return start;
    if (limit.kind === "all") return latest;
    if (this.opts.minOffsetsPerTrigger !== undefined && this.#delayBatch(this.opts.minOffsetsPerTrigger, from, latest)) return from;
    if (limit.kind !== "maxRows" || limit.rows >= Number.MAX_SAFE_INTEGER) return latest;
    const newTps = entries(latest).filter((e) => offsetOf(from, e.topic, e.partition) === undefined);
    const fromNew = await this.#reader.listOffsets(newTps, EARLIEST);
    const merged = new Map([...from].map(([t, m]) => [t, new Map(m)]));
    for (const e of entries(fromNew)) (merged.get(e.topic) ?? merged.set(e.topic, new Map()).get(e.topic)!).set(e.partition, e.offset);
    return rateLimit(limit.rows, merged, latest);
  }

  getBatch(start: Offset, end: Offset): ExecutionPlan {
    const to = end as PartitionOffsets;
    return kafkaScanExec(
      "KafkaMicroBatchScanExec",
      this.#reader,
      this.opts,
      `${start === null ? "initial" : offsetsToJson(start as PartitionOffsets)} to ${offsetsToJson(to)}`,
      async () => {
        if (this.#availableNow) await this.#verifyAvailableNowEnd(to);
        return this.#ranges((start as KafkaOffset) ?? (await this.#initialOffsets()), to);
      },
      warnDataLoss,
    );
  }

  /**
   * Spark's verifyEndOffsetForTriggerAvailableNow: the partitions and offsets an AvailableNow run
   * fixed at its start must still exist when a batch reads up to them (whatever failOnDataLoss says).
   */
  async #verifyAvailableNowEnd(end: PartitionOffsets): Promise<void> {
    const latest = await this.#fetchLatest();
    const names = (o: PartitionOffsets): string => entries(o).map((e) => tpKey(e.topic, e.partition)).sort().join(", ");
    if (entries(end).some((e) => offsetOf(latest, e.topic, e.partition) === undefined)) {
      throw executionError(
        "KAFKA_LOST_TOPIC_PARTITIONS_IN_END_OFFSET_WITH_TRIGGER_AVAILABLENOW",
        `Some of partitions in Kafka topic(s) have been lost during running query with Trigger.AvailableNow. The error could be transient - consider rerunning your query. topic-partitions for latest offset: ${names(latest)}, topic-partitions for end offset: ${names(end)}.`,
      );
    }
    if (entries(end).some((e) => e.offset > offsetOf(latest, e.topic, e.partition)!)) {
      throw executionError(
        "KAFKA_END_OFFSET_HAS_GREATER_OFFSET_FOR_TOPIC_PARTITION_THAN_LATEST_WITH_TRIGGER_AVAILABLENOW",
        `Some of partitions in Kafka topic(s) report available offset which is less than end offset during running query with Trigger.AvailableNow. The error could be transient - consider rerunning your query. latest offset: ${offsetsToJson(latest)}, end offset: ${offsetsToJson(end)}.`,
      );
    }
  }

  getContinuous(start: Offset, untilMs: number, onEnd: (end: Offset) => void): ExecutionPlan {
    const { opts, clock } = this;
    const schema = this.schema;
    const initial = (): Promise<PartitionOffsets> => this.#initialOffsets();
    const ranges = (from: PartitionOffsets, until: PartitionOffsets): Promise<OffsetRange[]> => this.#ranges(from, until);
    const reader = this.#reader;
    return {
      name: "KafkaContinuousScanExec",
      schema,
      children: [],
      describe: () => `KafkaContinuousScanExec: from ${start === null ? "initial" : offsetsToJson(start as PartitionOffsets)}`,
      async *execute(ctx) {
        const options = { schema, includeHeaders: opts.includeHeaders, failOnDataLoss: opts.failOnDataLoss, config: opts.client, pollTimeoutMs: opts.pollTimeoutMs, batchSize: ctx.batchSize, onDataLoss: warnDataLoss };
        const from = (start as KafkaOffset) ?? (await initial());
        onEnd(yield* readEpoch({ reader, start: from, untilMs, clock, options, ranges, isAborted: () => throwIfAborted(ctx) }));
      },
    };
  }

  serializeOffset(offset: Offset): string {
    return offset === null ? "null" : offsetsToJson(offset as PartitionOffsets);
  }

  deserializeOffset(json: string): Offset {
    return parseOffsetsJson(json, "Kafka source offset in the offsets log", true);
  }

  async commit(): Promise<void> {}

  async stop(): Promise<void> {
    await this.#reader.close();
  }

  /**
   * Offsets read of the available-now target, per partition from where the run started (a
   * partition new since then from 0).
   */
  availableNowProgress(committed: Offset): { done: number; total: number; unit: string } | undefined {
    const [end, start] = [this.#availableNowEnd, this.#availableNowStart];
    if (!end || !start) return undefined;
    let done = 0;
    let total = 0;
    for (const e of entries(end)) {
      const from = Math.min(offsetOf(start, e.topic, e.partition) ?? 0, e.offset);
      const at = offsetOf((committed as KafkaOffset) ?? start, e.topic, e.partition) ?? from;
      total += e.offset - from;
      done += Math.max(0, Math.min(at, e.offset) - from);
    }
    return { done, total, unit: "offsets" };
  }

  /** Spark's lag figures: how far the latest available offsets are past the batch's end. */
  metrics(latest: Offset | undefined): Record<string, string> {
    if (!latest || !this.#latestAvailable) return {};
    const behind = entries(this.#latestAvailable).flatMap((e) => {
      const consumed = offsetOf(latest as PartitionOffsets, e.topic, e.partition);
      return consumed === undefined ? [] : [e.offset - consumed];
    });
    if (behind.length === 0) return {};
    const avg = behind.reduce((a, b) => a + b, 0) / behind.length;
    return {
      minOffsetsBehindLatest: String(Math.min(...behind)),
      maxOffsetsBehindLatest: String(Math.max(...behind)),
      // Scala's Double.toString: always with a fraction ("0.0", "2.5").
      avgOffsetsBehindLatest: Number.isInteger(avg) ? avg.toFixed(1) : String(avg),
    };
  }

  async #fetchLatest(): Promise<PartitionOffsets> {
    return this.#reader.latestOffsets();
  }

  async #initialOffsets(): Promise<PartitionOffsets> {
    if (this.#initial) return this.#initial;
    const tps = await this.#reader.topicPartitions();
    const initial = await this.#reader.resolve(this.opts.starting, tps, true, this.opts.noMatchLatest);
    writeFileAtomic(this.#initialFile, checksummedPieces("initialOffsets", [offsetsToJson(initial)]), { createOnly: true });
    this.#initial = initial;
    return initial;
  }

  /** Spark's delayBatch: wait for minOffsetsPerTrigger new offsets, at most maxTriggerDelay. */
  #delayBatch(minOffsets: number, from: PartitionOffsets, latest: PartitionOffsets): boolean {
    const now = this.clock.now();
    if (now - this.#lastTriggerMs >= this.opts.maxTriggerDelayMs) {
      this.#lastTriggerMs = now;
      return false;
    }
    const fresh = entries(latest).reduce((a, e) => a + e.offset - (offsetOf(from, e.topic, e.partition) ?? 0), 0);
    if (fresh < minOffsets) return true;
    this.#lastTriggerMs = now;
    return false;
  }

  /** Spark's getOffsetRangesFromResolvedOffsets, with its data-loss reports. */
  async #ranges(from: PartitionOffsets, until: PartitionOffsets): Promise<OffsetRange[]> {
    const lossOpts = { failOnDataLoss: this.opts.failOnDataLoss, onDataLoss: warnDataLoss };
    const newTps = entries(until).filter((e) => offsetOf(from, e.topic, e.partition) === undefined);
    const newStarts = await this.#reader.listOffsets(newTps, EARLIEST);
    for (const e of entries(newStarts)) {
      if (e.offset !== 0) reportDataLoss(lossOpts, `Added partition ${tpKey(e.topic, e.partition)} starts from ${e.offset} instead of 0. Some data may have been missed`, { topic: e.topic, partition: e.partition, offset: e.offset });
    }
    const gone = entries(from).filter((e) => offsetOf(until, e.topic, e.partition) === undefined);
    if (gone.length > 0) {
      reportDataLoss(lossOpts, `${gone.map((e) => `${tpKey(e.topic, e.partition)} (from offset ${e.offset})`).join(", ")} are gone. Some data may have been missed`, { topic: gone[0]!.topic, partition: gone[0]!.partition, offset: gone[0]!.offset });
    }
    const ranges = entries(until).map((e) => {
      const fromOffset = offsetOf(from, e.topic, e.partition) ?? offsetOf(newStarts, e.topic, e.partition)!;
      if (e.offset < fromOffset) {
        reportDataLoss(lossOpts, `Partition ${tpKey(e.topic, e.partition)}'s offset was changed from ${fromOffset} to ${e.offset}, some data may have been missed`, { topic: e.topic, partition: e.partition, offset: fromOffset });
      }
      return { topic: e.topic, partition: e.partition, fromOffset, untilOffset: e.offset };
    });
    return splitRanges(ranges, this.opts.minPartitions);
  }
}
