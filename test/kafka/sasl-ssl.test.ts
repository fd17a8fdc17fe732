/**
 * The kafka source and sink over SASL/PLAIN + TLS, the way Azure Event Hubs' Kafka endpoint is
 * reached: a private broker with a second listener (SASL_SSL, a self-signed certificate made by
 * scripts/kafka/broker.ts with openssl); Sluice writes and reads through it with the options a
 * Spark user writes, and a wrong password or an untrusted certificate fails with a clear error.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Admin } from "@platformatic/kafka";
import { describe, expect, it } from "vitest";
import { type BrokerHandle, startBroker, stopBroker } from "../../scripts/kafka/broker.js";
import { Session } from "../../src/index.js";

const spark = Session.builder().config("spark.ui.enabled", "false").getOrCreate();
let broker: Promise<BrokerHandle> | undefined;
const dir = mkdtempSync(join(tmpdir(), "sluice-kafka-sasl-"));
/** The private broker, started on first use and stopped by the last test. */
const ready = () => (broker ??= startBroker(join(dir, "broker"), { ownerPid: process.pid, saslSsl: true }));

const saslOptions = (b: BrokerHandle, password = b.saslSsl!.password, trust = true): Record<string, string> => ({
  "kafka.bootstrap.servers": b.saslSsl!.bootstrap,
  "kafka.security.protocol": "SASL_SSL",
  "kafka.sasl.mechanism": "PLAIN",
  "kafka.sasl.jaas.config": `org.apache.kafka.common.security.plain.PlainLoginModule required username="${b.saslSsl!.username}" password="${password}";`,
  ...(trust ? { "kafka.ssl.truststore.location": b.saslSsl!.caFile, "kafka.ssl.truststore.type": "PEM" } : {}),
  "kafka.request.timeout.ms": "5000",
});

async function createTopic(b: BrokerHandle, topic: string): Promise<void> {
  const a = new Admin({ clientId: "sasl-test-admin", bootstrapBrokers: [b.bootstrap] });
  try {
    await a.createTopics({ topics: [topic], partitions: 2, replicas: 1 });
  } finally {
    await a.close();
  }
}

describe("kafka over SASL_SSL with PLAIN (Event Hubs' form)", () => {
  it("a batch write and a streaming read through the SASL_SSL listener", async () => {
    const b = await ready();
    await createTopic(b, "secure");
    const rows = Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));
    await spark.createDataFrame(rows, "key STRING, value STRING").write.format("kafka").options(saslOptions(b)).option("topic", "secure").save();
    const q = await spark.readStream.format("kafka").options(saslOptions(b)).option("subscribe", "secure").option("startingOffsets", "earliest").load()
      .selectExpr("CAST(value AS STRING) AS v").writeStream.format("memory").queryName("sasl_rows").option("checkpointLocation", join(dir, "chk")).start();
    await q.processAllAvailable();
    await q.stop();
    expect((await spark.table("sasl_rows").collect()).map((r) => r.v).sort()).toEqual(rows.map((r) => r.value).sort());
  });

  it("a wrong password and an untrusted certificate fail, naming the broker", async () => {
    const b = await ready();
    const read = (o: Record<string, string>) => spark.read.format("kafka").options(o).option("subscribe", "secure").load().collect();
    await expect(read(saslOptions(b, "wrong"))).rejects.toThrow(new RegExp(`${b.saslSsl!.bootstrap}.*(uthentication|SASL)`, "s"));
    await expect(read(saslOptions(b, b.saslSsl!.password, false))).rejects.toThrow(new RegExp(`${b.saslSsl!.bootstrap}.*(certificate|self.signed)`, "s"));
    await stopBroker(b.pid);
    rmSync(dir, { recursive: true, force: true });
  });
});
