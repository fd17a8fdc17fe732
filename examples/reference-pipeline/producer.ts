/**
 * Produce the reference event set (events.ts) into a topic: on-time events, producer retries
 * (duplicates), late events, malformed JSON and a final flush event. Creates the topic when it
 * does not exist. Usage:
 *   KAFKA_BOOTSTRAP=127.0.0.1:PORT [TOPIC=events] npx tsx examples/reference-pipeline/producer.ts
 */
import { fileURLToPath } from "node:url";
import { Admin, Producer } from "@platformatic/kafka";
import { referenceEvents } from "./events.js";

/** Create `topic` (one partition) unless it exists, then send `records` in order (acks=all). */
export async function produceEvents(bootstrap: string, topic: string, records: readonly string[]): Promise<void> {
  const admin = new Admin({ clientId: "reference-producer-admin", bootstrapBrokers: [bootstrap] });
  try {
    const topics = await admin.listTopics();
    if (!topics.includes(topic)) await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
  } finally {
    await admin.close();
  }
  const p = new Producer({ clientId: "reference-producer", bootstrapBrokers: [bootstrap], acks: -1, idempotent: true });
  try {
    for (let i = 0; i < records.length; i += 200) {
      await p.send({ messages: records.slice(i, i + 200).map((v) => ({ topic, value: Buffer.from(v), partition: 0 })) });
    }
  } finally {
    await p.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const bootstrap = process.env.KAFKA_BOOTSTRAP ?? "127.0.0.1:9092";
  const topic = process.env.TOPIC ?? "events";
  const ev = referenceEvents();
  await produceEvents(bootstrap, topic, ev.records);
  console.log(`Produced ${ev.records.length} records to ${topic} (${ev.malformed.length} malformed); expect ${ev.expected.length} windows.`);
}
