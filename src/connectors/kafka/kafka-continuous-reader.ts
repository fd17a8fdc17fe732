/**
 * One epoch of a continuous Kafka read (Spark's KafkaContinuousStream): rows are handed on as soon
 * as the broker has them, until the epoch's end.
 *
 *   1. Catch up: the offsets the partitions hold now (one ListOffsets) past where the epoch
 *      starts are read as ranges, with a micro-batch's data-loss checks (a partition new since
 *      the start is read from its earliest offset, one gone is reported).
 *   2. Then one long-poll Fetch per partition leader stays open (minBytes 1, maxWait at most
 *      500 ms and never past the epoch's end; leaders from the metadata read at the epoch's start,
 *      asked again only after a failed fetch): the broker answers the moment a record arrives,
 *      and the next Fetch goes out before the rows are handed on. One request per leader, not
 *      per partition: a broker answers one connection's requests in turn, so a second open fetch
 *      on the same connection would wait behind the first.
 *   3. A Fetch that fails (a partition gone, offsets out of range, a leader moved) ends the live
 *      read: step 1 runs again and recovers or reports the loss as a micro-batch read does. The
 *      same failure twice in a row with nothing read in between is the query's error.
 *
 * Partitions are those found at the epoch's start (Spark's continuous stream reconfigures at an
 * epoch too). The generator returns the offsets read up to: the epoch's end offsets.
 */
import type { ColumnBatch } from "../../columnar/column-batch.js";
import type { Clock } from "../../common/clock.js";
import { type KafkaAdminReader, type KafkaConsumer, isolationLevelOf, kafkaError } from "./kafka-client.js";
import { LATEST, type OffsetRange, type PartitionOffsets, entries, fromEntries, tpKey } from "./kafka-offsets.js";
import { KafkaRows, type RangeReadOptions, appendFetched, readRanges } from "./kafka-range-reader.js";

export interface EpochRead {
  readonly reader: KafkaAdminReader;
  readonly start: PartitionOffsets;
  /** When the epoch ends (clock time). */
  readonly untilMs: number;
  readonly clock: Clock;
  readonly options: RangeReadOptions;
  /** The source's ranges from one set of offsets to the next, with its data-loss reports. */
  readonly ranges: (from: PartitionOffsets, until: PartitionOffsets) => Promise<OffsetRange[]>;
  /** Throws when the query was stopped. */
  readonly isAborted: () => void;
}

/** How a live read ended: at the epoch's end, or with a failed fetch. */
interface LiveEnd {
  readonly offsets: PartitionOffsets;
  readonly rows: number;
  readonly failure?: unknown;
}

export async function* readEpoch(e: EpochRead): AsyncGenerator<ColumnBatch, PartitionOffsets> {
  const { reader, options: o, isAborted } = e;
  const consumer = await reader.consumer();
  let tps = await reader.topicPartitions();
  // A lookup that fails (a topic deleted) looks for the partitions again; the ranges then report the loss.
  const latest = (): Promise<PartitionOffsets> => reader.listOffsets(tps, LATEST).catch(async () => reader.listOffsets((tps = await reader.topicPartitions()), LATEST));
  let pos = e.start;
  let lastFailure: unknown;
  for (;;) {
    isAborted();
    const until = await latest();
    const fresh = (await e.ranges(pos, until)).filter((r) => r.untilOffset > r.fromOffset);
    yield* readRanges(consumer, fresh, o, isAborted);
    pos = until;
    if (e.clock.now() >= e.untilMs) return pos;
    // The epoch's first live read uses the metadata topicPartitions() just refreshed (one
    // Metadata round trip less between epochs, when no fetch is open); after a failed fetch
    // (a leader moved) it is asked again.
    const live: LiveEnd = yield* readLive(consumer, pos, e, lastFailure !== undefined);
    pos = live.offsets;
    if (live.failure === undefined) return pos;
    if (lastFailure !== undefined && fresh.length === 0 && live.rows === 0) throw kafkaError("fetching new records", o.config, live.failure);
    lastFailure = live.failure;
  }
}

/** Step 2: long-poll fetches from `from` until the epoch ends or one fails. */
async function* readLive(consumer: KafkaConsumer, from: PartitionOffsets, e: EpochRead, refresh: boolean): AsyncGenerator<ColumnBatch, LiveEnd> {
  const o = e.options;
  const at = new Map(entries(from).map((x) => [tpKey(x.topic, x.partition), { ...x }]));
  const offsets = (): PartitionOffsets => fromEntries([...at.values()]);
  let rows = 0;
  const topics = [...new Set([...at.values()].map((x) => x.topic))];
  if (topics.length === 0) {
    // Nothing to read this epoch: wait for its end, looking for a stop now and then.
    while (e.clock.now() < e.untilMs) {
      e.isAborted();
      await new Promise((r) => setTimeout(r, Math.min(100, e.untilMs - e.clock.now())));
    }
    return { offsets: offsets(), rows };
  }
  let md;
  try {
    md = await consumer.metadata({ topics, forceUpdate: refresh });
  } catch (failure) {
    return { offsets: offsets(), rows, failure };
  }
  // The partitions of each leader, with their topic ids (a Fetch names topics by id).
  const byLeader = new Map<number, { topic: string; topicId: string; partition: number }[]>();
  const byId = new Map<string, string>();
  for (const x of at.values()) {
    const t = md.topics.get(x.topic);
    const leader = t?.partitions[x.partition]?.leader;
    if (!t || leader === undefined) return { offsets: offsets(), rows, failure: new Error(`no leader for ${tpKey(x.topic, x.partition)}`) };
    byId.set(t.id, x.topic);
    const list = byLeader.get(leader) ?? byLeader.set(leader, []).get(leader)!;
    list.push({ topic: x.topic, topicId: t.id, partition: x.partition });
  }
  const isolationLevel = await isolationLevelOf(o.config);
  type Answer = { node: number; res?: Awaited<ReturnType<KafkaConsumer["fetch"]>>; failure?: unknown };
  // Never rejects, so a fetch still open when the read ends is no unhandled rejection.
  const fetchFrom = (node: number): Promise<Answer> => {
    const byTopic = new Map<string, { partition: number; fetchOffset: bigint; partitionMaxBytes: number; currentLeaderEpoch: number; lastFetchedEpoch: number }[]>();
    for (const p of byLeader.get(node)!) {
      const list = byTopic.get(p.topicId) ?? byTopic.set(p.topicId, []).get(p.topicId)!;
      list.push({ partition: p.partition, fetchOffset: BigInt(at.get(tpKey(p.topic, p.partition))!.offset), partitionMaxBytes: o.config.maxPartitionFetchBytes ?? 1_048_576, currentLeaderEpoch: -1, lastFetchedEpoch: -1 });
    }
    return consumer
      .fetch({
        node,
        isolationLevel,
        minBytes: 1,
        maxWaitTime: Math.max(1, Math.min(o.config.fetchMaxWaitMs ?? 500, 500, e.untilMs - e.clock.now())),
        ...(o.config.fetchMaxBytes !== undefined ? { maxBytes: o.config.fetchMaxBytes } : {}),
        topics: [...byTopic].map(([topicId, partitions]) => ({ topicId, partitions })),
      })
      .then(
        (res) => ({ node, res }),
        (failure: unknown) => ({ node, failure }),
      );
  };
  const open = new Map([...byLeader.keys()].map((node) => [node, fetchFrom(node)]));
  while (open.size > 0) {
    const answer = await Promise.race(open.values());
    open.delete(answer.node);
    if (!answer.res) return { offsets: offsets(), rows, failure: answer.failure };
    e.isAborted();
    const out = new KafkaRows(o);
    for (const t of answer.res.responses) {
      const topic = byId.get(t.topicId);
      for (const p of t.partitions) {
        const x = topic === undefined ? undefined : at.get(tpKey(topic, p.partitionIndex));
        if (x) x.offset = appendFetched(p, x.topic, x.partition, x.offset, Number.MAX_SAFE_INTEGER, o.config.readCommitted, out);
      }
    }
    if (e.clock.now() < e.untilMs) open.set(answer.node, fetchFrom(answer.node));
    for (const b of out.take(true)) {
      rows += b.numRows;
      yield b;
    }
  }
  return { offsets: offsets(), rows };
}
