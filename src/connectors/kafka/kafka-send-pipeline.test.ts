import { describe, expect, it } from "vitest";
import type { KafkaMessage } from "./kafka-rows.js";
import { KafkaSendPipeline } from "./kafka-send-pipeline.js";

const msgs = (from: number, n: number): KafkaMessage[] => Array.from({ length: n }, (_, i) => ({ topic: "t", value: Buffer.from(String(from + i).padStart(10, "0")) }));
const ids = (ms: KafkaMessage[]): number[] => ms.map((m) => Number(m.value.toString()));

/** A send the test acknowledges by hand, recording what went out and how many were in flight. */
function manualSend() {
  const sent: number[][] = [];
  const acks: ((e?: Error) => void)[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const send = (ms: KafkaMessage[]): Promise<void> => {
    sent.push(ids(ms));
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    return new Promise<void>((resolve, reject) => acks.push((e) => (inFlight--, e ? reject(e) : resolve())));
  };
  const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
  return { send, sent, acks, tick, maxInFlight: () => maxInFlight };
}

describe("KafkaSendPipeline", () => {
  it("keeps one send in flight and sends what queued behind it together, in order", async () => {
    const s = manualSend();
    const p = new KafkaSendPipeline(s.send, { sendBytes: 25, queuedBytes: 1000 });
    await p.add(msgs(0, 1)); // goes out at once
    await p.add(msgs(1, 1));
    await p.add(msgs(2, 1));
    await p.add(msgs(3, 1)); // 3 x 10 bytes queued: the next send takes 2 (25-byte budget)
    expect(s.sent).toEqual([[0]]);
    s.acks.shift()!();
    await s.tick();
    expect(s.sent).toEqual([[0], [1, 2]]);
    const flushed = p.flush();
    s.acks.shift()!();
    await s.tick();
    s.acks.shift()!();
    await flushed;
    expect(s.sent).toEqual([[0], [1, 2], [3]]);
    expect(s.maxInFlight()).toBe(1);
  });

  it("makes add() wait while the queue is full", async () => {
    const s = manualSend();
    const p = new KafkaSendPipeline(s.send, { sendBytes: 1000, queuedBytes: 20 });
    await p.add(msgs(0, 1));
    await p.add(msgs(1, 1));
    let done = false;
    const full = p.add(msgs(2, 1)).then(() => (done = true)); // 20 bytes queued: waits
    await s.tick();
    expect(done).toBe(false);
    s.acks.shift()!();
    await full;
    expect(s.sent).toEqual([[0], [1, 2]]);
  });

  it("surfaces a failed send and sends nothing after it", async () => {
    const s = manualSend();
    const p = new KafkaSendPipeline(s.send, { sendBytes: 1000, queuedBytes: 1000 });
    await p.add(msgs(0, 1));
    await p.add(msgs(1, 1));
    s.acks.shift()!(new Error("broker said no"));
    await s.tick();
    await expect(p.add(msgs(2, 1))).rejects.toThrow("broker said no");
    await expect(p.flush()).rejects.toThrow("broker said no");
    expect(s.sent).toEqual([[0]]);
  });

  it("drop() waits for the send in flight and discards the queue", async () => {
    const s = manualSend();
    const p = new KafkaSendPipeline(s.send, { sendBytes: 1000, queuedBytes: 1000 });
    await p.add(msgs(0, 1));
    await p.add(msgs(1, 1));
    let dropped = false;
    const d = p.drop().then(() => (dropped = true));
    await s.tick();
    expect(dropped).toBe(false);
    s.acks.shift()!();
    await d;
    expect(s.sent).toEqual([[0]]);
  });
});
