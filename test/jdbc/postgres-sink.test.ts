/**
 * The exactly-once `postgres` streaming sink against a real PostgreSQL: upserts, appends,
 * complete mode, a re-run batch skipped, its errors, and a crash test — a child running three
 * queries into PostgreSQL is killed with SIGKILL at random moments and restarted until it
 * finishes; the tables must then hold exactly the rows of an unbroken run.
 * SLUICE_CRASH_TRIALS / 10 trials (at least 1); each trial kills the child twice (three times in a soak).
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Session } from "../../src/index.js";
import { SluiceError } from "../../src/common/errors.js";
import { runChild } from "../support/run-child.js";
import { type PostgresServer, startPostgres } from "../support/postgres-server.js";

const TRIALS = Math.max(1, Math.round(Number(process.env.SLUICE_CRASH_TRIALS ?? 10) / 10));
let pg: PostgresServer;
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").config("spark.sql.shuffle.partitions", 2).getOrCreate();
const conn = () => ({ url: pg.jdbcUrl, user: pg.user, password: pg.password });
const rows = (sql: string): string[] => pg.psql(sql).trim().split("\n").filter(Boolean);

beforeAll(async () => {
  pg = await startPostgres();
}, 120_000);
afterAll(async () => {
  await spark.stop();
  await pg?.stop();
});

function writeInput(dir: string, files: number, perFile: number, from = 0): void {
  mkdirSync(dir, { recursive: true });
  for (let f = from; f < from + files; f++) {
    const lines = Array.from({ length: perFile }, (_, i) => {
      const id = f * perFile + i;
      return JSON.stringify({ id, key: id % 37, v: id / 2 });
    });
    writeFileSync(join(dir, `f${String(f).padStart(3, "0")}.json`), lines.join("\n") + "\n");
  }
}

describe("postgres sink", () => {
  it("upserts by key: the table holds each key's latest row, the progress table the last batch", async () => {
    const mem = spark.memoryStream("id INT, name STRING, score DOUBLE");
    const chk = mkdtempSync(join(tmpdir(), "sluice-pgsink-"));
    const q = await mem.toDF().writeStream.format("postgres").options({ ...conn(), dbtable: "people", upsertKey: "id" }).option("checkpointLocation", chk).start();
    mem.addData([{ id: 1, name: "ann", score: 1 }, { id: 2, name: "bob", score: 2 }, { id: 1, name: "ann", score: 3 }]);
    await q.processAllAvailable();
    mem.addData([{ id: 2, name: "bob", score: 20 }, { id: 3, name: "cy", score: null }]);
    await q.processAllAvailable();
    // The password is in no progress report and no checkpoint file.
    expect(JSON.stringify(q.recentProgress)).toContain("PostgresSink[people at postgresql://127.0.0.1:");
    expect(JSON.stringify(q.recentProgress)).not.toContain(pg.password);
    for (const f of readdirSync(chk, { recursive: true, withFileTypes: true }).filter((d) => d.isFile())) expect(readFileSync(join(f.parentPath, f.name), "latin1")).not.toContain(pg.password);
    await q.stop();
    expect(rows("SELECT id, name, score FROM people ORDER BY id")).toEqual(["1|ann|3", "2|bob|20", "3|cy|"]);
    // The key became the primary key of the table the sink created.
    expect(rows("SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = 'people'::regclass AND i.indisprimary")).toEqual(["id"]);
    expect(rows(`SELECT batch_id FROM sluice_stream_progress WHERE query_id = '${q.id}' AND table_name = 'people'`)).toEqual(["1"]);
  });

  it("complete mode replaces the table with each batch's full result", async () => {
    const mem = spark.memoryStream("k STRING");
    const q = await mem.toDF().groupBy("k").count().writeStream.outputMode("complete").format("postgres").options({ ...conn(), dbtable: "kcounts" }).option("checkpointLocation", mkdtempSync(join(tmpdir(), "sluice-pgsink-"))).start();
    mem.addData([{ k: "a" }, { k: "b" }, { k: "a" }]);
    await q.processAllAvailable();
    mem.addData([{ k: "b" }]);
    await q.processAllAvailable();
    await q.stop();
    expect(rows("SELECT k, count FROM kcounts ORDER BY k")).toEqual(["a|2", "b|2"]);
  });

  it("skips a batch it already applied when the engine re-runs it after a crash", async () => {
    const root = mkdtempSync(join(tmpdir(), "sluice-pgsink-rerun-"));
    writeInput(join(root, "in"), 2, 10);
    const run = async () => {
      const q = await spark.readStream.schema("id INT, key INT, v DOUBLE").option("maxFilesPerTrigger", 1).json(join(root, "in"))
        .writeStream.format("postgres").options({ ...conn(), dbtable: "rerun" }).option("checkpointLocation", join(root, "chk")).trigger({ availableNow: true }).start();
      await q.awaitTermination();
      expect(q.exception).toBeNull();
    };
    await run();
    expect(rows("SELECT count(*), count(DISTINCT id) FROM rerun")).toEqual(["20|20"]);
    // As if the process died after the sink committed batch 1 but before the engine's commit log did.
    rmSync(join(root, "chk", "commits", "1"));
    await run();
    expect(rows("SELECT count(*), count(DISTINCT id) FROM rerun")).toEqual(["20|20"]);
  });

  it("refuses update mode without a key, a key the stream lacks, a path, and a table whose key is not unique", async () => {
    const mem = spark.memoryStream("id INT, v STRING");
    const chk = () => mkdtempSync(join(tmpdir(), "sluice-pgsink-err-"));
    const fail = async (p: Promise<unknown>): Promise<SluiceError> => {
      const e = await p.then(() => null, (x: unknown) => x);
      expect(e).toBeInstanceOf(SluiceError);
      expect((e as Error).message).not.toContain(pg.password);
      return e as SluiceError;
    };
    const w = () => mem.toDF().writeStream.format("postgres").option("checkpointLocation", chk());
    expect((await fail(w().outputMode("update").options({ ...conn(), dbtable: "x" }).start())).code).toBe("POSTGRES_SINK_UPSERT_KEY_REQUIRED");
    expect((await fail(w().options({ ...conn(), dbtable: "x", upsertKey: "nope" }).start())).code).toBe("POSTGRES_SINK_UPSERT_KEY_NOT_FOUND");
    expect((await fail(w().options({ ...conn(), dbtable: "x" }).start("some/path"))).code).toBe("JDBC_OPTION_CONFLICT");
    expect((await fail(w().options({ ...conn(), dbtable: "x", upsertKey: "id", typo: "1" }).start())).code).toBe("JDBC_UNKNOWN_OPTION");
    pg.psql("CREATE TABLE nokey (id int, v text)");
    const q = await w().options({ ...conn(), dbtable: "nokey", upsertKey: "id" }).start();
    mem.addData([{ id: 1, v: "a" }]);
    const e = await fail(q.processAllAvailable());
    expect(e.message).toContain("there is no unique or exclusion constraint matching the ON CONFLICT specification");
    expect(rows("SELECT count(*) FROM nokey")).toEqual(["0"]);
  });
});

describe("postgres sink crash test: SIGKILL at random moments, then restart", () => {
  const child = join(import.meta.dirname, "postgres-sink-child.ts");
  const FILES = 8;
  // The default run kills twice; a soak (SLUICE_CRASH_TRIALS) three times per trial.
  const KILLS = TRIALS > 1 ? 3 : 2;
  const PER_FILE = 50;

  for (let t = 0; t < TRIALS; t++) {
    it(`trial ${t}: the tables hold exactly the rows of an unbroken run`, async () => {
      let seed = 7919 * (t + 1);
      const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      const root = mkdtempSync(join(tmpdir(), "sluice-pgsink-crash-"));
      writeInput(join(root, "in"), FILES, PER_FILE);
      const suffix = `_t${t}`;
      pg.psql(`CREATE SCHEMA trial${t}`);
      const url = `${pg.jdbcUrl}?currentSchema=trial${t}`;
      const seen: string[] = [];
      for (let n = 0; ; n++) {
        const killAt = n < KILLS ? Math.floor(random() * 2000) : null;
        const r = await runChild(child, [join(root, "in"), join(root, "chk"), url, pg.user, pg.password], killAt, "SIGKILL", "STARTED");
        seen.push(`${r}@${killAt}`);
        if (process.env.SLUICE_SIGNAL_LOG) console.log(`postgres sink trial ${t}: ${r}@${killAt}`);
        if (r === "done") break;
      }
      const total = FILES * PER_FILE;
      const s = `trial${t}`;
      const why = `${suffix}: ${seen.join(", ")}`;
      expect(rows(`SELECT count(*), count(DISTINCT id), min(id), max(id) FROM ${s}.events`), why).toEqual([`${total}|${total}|0|${total - 1}`]);
      // Each key's last row is the one with the largest id (files and rows are read in order).
      const latest = Array.from({ length: 37 }, (_, k) => {
        const id = Math.max(...Array.from({ length: total }, (_, i) => i).filter((i) => i % 37 === k));
        return `${k}|${id}|${id / 2}`;
      });
      expect(rows(`SELECT key, id, v FROM ${s}.latest ORDER BY key`), why).toEqual(latest);
      const counts = Array.from({ length: 37 }, (_, k) => `${k}|${Array.from({ length: total }, (_, i) => i).filter((i) => i % 37 === k).length}`);
      expect(rows(`SELECT key, count FROM ${s}.counts ORDER BY key`), why).toEqual(counts);
    }, 300_000);
  }
});
