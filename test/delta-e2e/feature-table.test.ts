/**
 * The feature-table example (examples/feature-table.ts) against a real PostgreSQL: the example
 * runs as a child process over its sample events, read as files or (--kafka) from a topic of a
 * real Kafka broker holding the same events, and is killed with SIGKILL at random moments
 * after a batch, then restarted until it finishes. The offline Delta table and the online
 * PostgreSQL table must then both hold exactly the features of an unbroken run, and each side
 * must have applied every batch once (the batch id is the idempotence key).
 */
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { APP_ID, ONLINE_TABLE, upsertFeatures, writeSample } from "../../examples/feature-table.js";
import { DeltaTable, Session } from "../../src/index.js";
import { createTopic, kafkaBootstrap, produce, topicName } from "../support/kafka-broker.js";
import { type PostgresServer, startPostgres } from "../support/postgres-server.js";
import { runChild } from "../support/run-child.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const server: Promise<PostgresServer> = startPostgres();
afterAll(async () => {
  await spark.stop();
  await (await server).stop();
});

const EXAMPLE = join(import.meta.dirname, "../../examples/feature-table.ts");

/** The sample's events, as the lines of its files in file order. */
const eventLines = (folder: string): string[] => readdirSync(join(folder, "events")).sort().flatMap((f) => readFileSync(join(folder, "events", f), "utf8").trim().split("\n"));

/** The example's arguments after <folder> <jdbc-url>: none for files; for Kafka a new topic holding the sample's events. */
async function inputArgs(input: "files" | "kafka", folder: string): Promise<string[]> {
  if (input === "files") return [];
  const topic = topicName("feature-table");
  await createTopic(topic);
  await produce(topic, eventLines(folder).map((value) => ({ value })));
  return ["--kafka", await kafkaBootstrap(), topic];
}

/** Start the online side afresh: no feature table, no batch recorded under the example's app id. */
const resetOnline = (pg: PostgresServer): void =>
  void pg.psql(`DROP TABLE IF EXISTS ${ONLINE_TABLE}; DO $$ BEGIN IF to_regclass('sluice_stream_progress') IS NOT NULL THEN DELETE FROM sluice_stream_progress WHERE query_id = '${APP_ID}'; END IF; END $$`);

/** The features of the sample's events, computed here from the files. */
function expectedFeatures(folder: string): string[] {
  const segment = new Map(readFileSync(join(folder, "users.json"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { user_id: string; segment: string }).map((u) => [u.user_id, u.segment]));
  const by = new Map<string, { events: number; large: number; total: number; last: string }>();
  for (const l of eventLines(folder)) {
    const e = JSON.parse(l) as { user_id: string; amount: number; ts: string };
    const a = by.get(e.user_id) ?? { events: 0, large: 0, total: 0, last: "" };
    by.set(e.user_id, { events: a.events + 1, large: a.large + (e.amount >= 100 ? 1 : 0), total: a.total + e.amount, last: e.ts > a.last ? e.ts : a.last });
  }
  return [...by].map(([u, a]) => `${u}|${segment.get(u) ?? ""}|${a.events}|${a.large}|${a.total}|${a.last}`).sort();
}

describe.each(["files", "kafka"] as const)("feature table example reading %s", (input) => {
  it("killed with SIGKILL at random moments and restarted, it leaves the Delta and PostgreSQL tables as an unbroken run would", { timeout: 300_000 }, async () => {
    const pg = await server;
    const folder = mkdtempSync(join(tmpdir(), "sluice-ft-"));
    writeSample(folder);
    resetOnline(pg);
    const args = [folder, pg.jdbcUrl, ...(await inputArgs(input, folder))];
    const env = { ...process.env, PGUSER: pg.user, PGPASSWORD: pg.password };
    let seed = 5;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let kills = 0;
    for (;;) {
      const r = await runChild(EXAMPLE, args, kills < 4 ? Math.floor(random() * 150) : null, "SIGKILL", "PROGRESS", env);
      if (r === "done") break;
      kills++;
    }
    const want = expectedFeatures(folder);
    const iso = (d: unknown) => (d as Date).toISOString();
    const offline = (await spark.read.format("delta").load(join(folder, "features")).collect()).map((r) => `${r.user_id}|${r.segment ?? ""}|${r.events}|${r.large_events}|${r.total_amount}|${iso(r.last_seen)}`).sort();
    expect(offline).toEqual(want);
    const online = pg
      .psql(`SELECT user_id, coalesce(segment, ''), events, large_events, total_amount, to_char(last_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') FROM ${ONLINE_TABLE}`)
      .trim()
      .split("\n")
      .sort();
    expect(online).toEqual(want);
    // one merge per batch (6 files or 6 × 5 records, one per batch), each with its own batch id; the online side's last batch is 5
    const merges = (await (await DeltaTable.forPath(spark, join(folder, "features")).history()).collect()).filter((h) => h.operation === "MERGE");
    expect(merges).toHaveLength(6);
    expect(pg.psql(`SELECT batch_id FROM sluice_stream_progress WHERE query_id = '${APP_ID}' AND table_name = '${ONLINE_TABLE}'`).trim()).toBe("5");
  });
});

describe("feature table example's batch function", () => {
  it("called again with a batch id both sides hold, it changes nothing", async () => {
    const pg = await server;
    const folder = mkdtempSync(join(tmpdir(), "sluice-ft-"));
    const table = join(folder, "features");
    const online = { url: pg.jdbcUrl, user: pg.user, password: pg.password };
    resetOnline(pg);
    const batch = (amount: number) => spark.createDataFrame([{ user_id: "a", amount, ts: new Date(Date.UTC(2025, 0, 1)), is_large: amount >= 100, segment: "gold" }], "user_id STRING, amount DOUBLE, ts TIMESTAMP, is_large BOOLEAN, segment STRING");
    await upsertFeatures(spark, table, online)(batch(150), 0);
    await upsertFeatures(spark, table, online)(batch(7), 0);
    expect((await spark.read.format("delta").load(table).collect()).map((r) => [r.events, r.total_amount])).toEqual([[1n, 150]]);
    expect(pg.psql(`SELECT events, total_amount FROM ${ONLINE_TABLE}`).trim()).toBe("1|150");
  });
});
