/**
 * PySpark parity of the kafka source's batch read: scripts/oracle/kafka_batch_read.py had
 * PySpark 4.0.1 with spark-sql-kafka-0-10 write the records of test/kafka/parity/batch-read.json
 * to a topic and read it back with each case's options; here the same records go to a topic of
 * our own and Sluice must read the same rows (key, value, partition, offset, timestampType,
 * headers) and columns.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Session } from "../../src/index.js";
import { createTopic, kafkaBootstrap, produce, topicName } from "../support/kafka-broker.js";

interface Golden {
  readonly records: { key: string | null; value: string; partition: number; headers: [string, string][] }[];
  readonly cases: { name: string; options: Record<string, string>; columns: string[]; rows: Record<string, unknown>[] }[];
}
const golden = JSON.parse(readFileSync(join(import.meta.dirname, "parity", "batch-read.json"), "utf8")) as Golden;
const spark = Session.builder().config("spark.ui.enabled", "false").getOrCreate();
let topic: Promise<string> | undefined;
/** The golden's records, produced one at a time (so each partition keeps their order) to a fresh 3-partition topic. */
const ready = () =>
  (topic ??= (async () => {
    const t = topicName("parity");
    await createTopic(t, 3);
    for (const r of golden.records) await produce(t, [{ value: r.value, partition: r.partition, ...(r.key !== null ? { key: r.key } : {}), ...(r.headers.length > 0 ? { headers: Object.fromEntries(r.headers) } : {}) }]);
    return t;
  })());

describe("kafka batch read: the same rows as PySpark 4.0.1", () => {
  for (const c of golden.cases) {
    it(c.name, async () => {
      const t = await ready();
      const opts = Object.fromEntries(Object.entries(c.options).map(([k, v]) => [k, v.replaceAll("${topic}", t)]));
      const df = spark.read.format("kafka").option("kafka.bootstrap.servers", await kafkaBootstrap()).options(opts).load();
      expect(df.columns).toEqual(c.columns);
      const cols = ["CAST(key AS STRING) AS key", "CAST(value AS STRING) AS value", "partition", "`offset`", "timestampType"];
      if (c.options.includeHeaders === "true") cols.push("transform(headers, h -> array(h.key, CAST(h.value AS STRING))) AS headers");
      const rows = (await df.selectExpr(...cols).collect()).map((r) => ({ ...r, partition: r.partition as number, offset: Number(r.offset) }));
      rows.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
      expect(rows).toEqual(c.rows);
    });
  }
});
