/**
 * The Kafka writer's sends, overlapped with the work upstream: while one send waits for the
 * broker's acknowledgement, the next batches are read, converted and queued; when it is
 * acknowledged, everything queued (up to MAX_SEND_BYTES) goes out as the next send at once.
 *
 * One send at a time, not several: the client numbers an idempotent producer's records per
 * partition from its last acknowledged send (the sequence advances only when the broker answers),
 * so two sends in flight to one partition would carry the same sequence numbers, and the broker
 * would refuse the second as out of order — or, with as many records, drop it as a duplicate. One
 * send already goes to every partition leader concurrently, and the client keeps one request in
 * flight per broker connection for an idempotent producer anyway. So per-partition order is the
 * order of the rows, and a transaction's sends all finish before its commit.
 */
import type { KafkaMessage } from "./kafka-rows.js";

/** Queued records go out together up to this many key+value bytes (the broker's default message.max.bytes is 1 MiB a record batch). */
export const MAX_SEND_BYTES = 1 << 20;
/** Records queued behind the send in flight before add() waits for it. */
export const MAX_QUEUED_BYTES = 8 << 20;

const size = (m: KafkaMessage): number => m.value.byteLength + (m.key?.byteLength ?? 0);

export class KafkaSendPipeline {
  readonly #queue: { messages: KafkaMessage[]; bytes: number }[] = [];
  #queuedBytes = 0;
  #inFlight: Promise<void> | undefined;
  #failure: { error: unknown } | undefined;

  constructor(
    private readonly send: (messages: KafkaMessage[]) => Promise<unknown>,
    private readonly limits: { readonly sendBytes: number; readonly queuedBytes: number } = { sendBytes: MAX_SEND_BYTES, queuedBytes: MAX_QUEUED_BYTES },
  ) {}

  /** Queue `messages` behind the send in flight; waits while too much is queued. Throws a send's failure. */
  async add(messages: KafkaMessage[]): Promise<void> {
    this.#check();
    if (messages.length === 0) return;
    const bytes = messages.reduce((s, m) => s + size(m), 0);
    this.#queue.push({ messages, bytes });
    this.#queuedBytes += bytes;
    if (this.#inFlight === undefined) this.#next();
    while (this.#queuedBytes >= this.limits.queuedBytes && this.#inFlight !== undefined) await this.#inFlight;
    this.#check();
  }

  /** Wait until every queued record is acknowledged; throws a send's failure. */
  async flush(): Promise<void> {
    while (this.#inFlight !== undefined) await this.#inFlight;
    this.#check();
  }

  /** Wait for the send in flight without sending what is queued (the write failed upstream). */
  async drop(): Promise<void> {
    this.#queue.length = 0;
    this.#queuedBytes = 0;
    while (this.#inFlight !== undefined) await this.#inFlight;
  }

  #check(): void {
    if (this.#failure) throw this.#failure.error;
  }

  #next(): void {
    if (this.#queue.length === 0 || this.#failure) {
      this.#inFlight = undefined;
      return;
    }
    let bytes = 0;
    const messages: KafkaMessage[] = [];
    do {
      const group = this.#queue.shift()!;
      for (const m of group.messages) messages.push(m);
      bytes += group.bytes;
    } while (this.#queue.length > 0 && bytes + this.#queue[0]!.bytes <= this.limits.sendBytes);
    this.#queuedBytes -= bytes;
    this.#inFlight = this.send(messages).then(
      () => this.#next(),
      (error: unknown) => {
        this.#failure = { error };
        this.#queue.length = 0;
        this.#queuedBytes = 0;
        this.#inFlight = undefined;
      },
    );
  }
}
