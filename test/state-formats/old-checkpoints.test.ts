/**
 * State formats across Sluice versions: a checkpoint written before binary state keys and
 * compressed state files (old-checkpoints/, made by make-old-checkpoints.ts with that code)
 * restarts with its JSON keys and uncompressed files, pinned in offsets/N, and finds its state; a
 * new checkpoint uses binary keys and gzip files and gives the same answers.
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { Session } from "../../src/index.js";
import { stateKey } from "../../src/streaming/operators/state-key.js";
import { BATCH0, BATCH1, SCHEMA, start } from "./old-checkpoint-queries.js";

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), "old-checkpoints");
const sessions: Session[] = [];
afterAll(async () => {
  for (const s of sessions) await s.stop();
});

function session(master: string): Session {
  const s = Session.builder().master(master).config("spark.sql.shuffle.partitions", 3).config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false").getOrCreate();
  sessions.push(s);
  return s;
}

/** Run batch 1 of a query on `checkpoint` (batch 0 already in it, or run here first when `fresh`); the rows batch 1 emitted. */
async function batch1(spark: Session, which: "dedup" | "agg", checkpoint: string, fresh: boolean): Promise<Record<string, unknown>[]> {
  const input = spark.memoryStream(SCHEMA);
  input.addData(BATCH0);
  const name = `${which}_${Math.random().toString(36).slice(2)}`;
  let q = await start(spark, input.toDF(), which, checkpoint, name);
  await q.processAllAvailable();
  if (fresh) {
    await q.stop();
    q = await start(spark, input.toDF(), which, checkpoint, `${name}_1`);
  }
  const table = fresh ? `${name}_1` : name;
  input.addData(BATCH1);
  await q.processAllAvailable();
  await q.stop();
  return sortRows(await spark.table(table).collect());
}

const sortRows = (rows: Record<string, unknown>[]) => rows.map((r) => ({ ...r })).sort((a, b) => (JSON.stringify(a, big) < JSON.stringify(b, big) ? -1 : 1));
const big = (_k: string, v: unknown) => (typeof v === "bigint" ? `${v}n` : typeof v === "number" && !Number.isFinite(v) ? String(v) : v);

const copyFixture = (which: string): string => {
  const dir = join(mkdtempSync(join(tmpdir(), "sluice-old-chk-")), which);
  cpSync(join(FIXTURE, which), dir, { recursive: true });
  // `metadata` names the source as MemoryStream[<id in the writing process>]; without it the
  // query rebuilds it from offsets/ (a lost metadata file), so this process's stream is accepted
  rmSync(join(dir, "metadata"));
  return dir;
};

/** The first bytes of every state file of version `v` in a checkpoint. */
const stateFiles = (checkpoint: string, v: number): Buffer[] =>
  readdirSync(join(checkpoint, "state", "0")).map((p) => readFileSync(join(checkpoint, "state", "0", p, `${v}.delta`)));
const loggedConf = (checkpoint: string, batch: number): Record<string, string> =>
  (JSON.parse(readFileSync(join(checkpoint, "offsets", String(batch)), "utf8").split("\n")[1]!) as { conf: Record<string, string> }).conf;

const isGzip = (b: Buffer) => b[0] === 0x1f && b[1] === 0x8b;
// With gzip, a state file under 4 KiB is still written plain (state-files.ts): these are all small.
const isSmallPlain = (b: Buffer) => !isGzip(b) && b.length < 4096;

describe.each(["local[1]", "local[2]"])("state formats under %s", (master) => {
  const spark = session(master);

  it("deduplication: an old checkpoint keeps JSON keys and plain files, a new one binary keys and gzip (its small files plain), both finding batch 0's keys", async () => {
    const old = copyFixture("dedup");
    const restarted = await batch1(spark, "dedup", old, false);
    // only the two new keys (2^60 ≠ 2^60+1; a null string is not "") pass: NaN, -0.0 and nulls matched batch 0
    expect(restarted.map((r) => r.x)).toEqual([50, 60]);
    expect(loggedConf(old, 1)).toMatchObject({ "sluice.streaming.stateStore.keyFormat": "json", "spark.sql.streaming.stateStore.compression.codec": "none" });
    const oldFiles = stateFiles(old, 2);
    const newKeyLine = JSON.stringify(["p", stateKey(["日本", 2n ** 60n, NaN])]).slice(0, -1);
    expect(oldFiles.some((b) => b.toString("utf8").includes(newKeyLine))).toBe(true);
    expect(oldFiles.every((b) => b.toString("latin1").startsWith("v2\n"))).toBe(true);

    const fresh = join(mkdtempSync(join(tmpdir(), "sluice-new-chk-")), "dedup");
    expect(await batch1(spark, "dedup", fresh, true)).toEqual(restarted);
    expect(loggedConf(fresh, 1)).toMatchObject({ "sluice.streaming.stateStore.keyFormat": "binary", "spark.sql.streaming.stateStore.compression.codec": "gzip" });
    expect(stateFiles(fresh, 2).every(isSmallPlain)).toBe(true);

    // the state data source reads both key formats back into the same keys
    const keysOf = async (chk: string) =>
      sortRows((await spark.read.format("statestore").load(chk).collect()).map((r) => r.key as Record<string, unknown>));
    expect(await keysOf(fresh)).toEqual(await keysOf(old));
    expect((await keysOf(fresh)).length).toBe(7);
  });

  it("window aggregation: restarting the old checkpoint adds batch 1 to batch 0's groups, as a new checkpoint does", async () => {
    const old = copyFixture("agg");
    const restarted = await batch1(spark, "agg", old, false);
    const counts = restarted.map((r) => [r.s, r.b, r.n, r.total]);
    expect(counts).toEqual(
      expect.arrayContaining([
        ["é", 1n, 2n, 11n],
        ["日本", 2n ** 60n + 1n, 2n, 22n],
        ["😀", -1n, 2n, 33n],
        ["", null, 2n, 44n],
        ["日本", 2n ** 60n, 1n, 50n],
        [null, null, 1n, 60n],
      ]),
    );
    expect(restarted.length).toBe(6);
    const fresh = join(mkdtempSync(join(tmpdir(), "sluice-new-chk-")), "agg");
    expect(await batch1(spark, "agg", fresh, true)).toEqual(restarted);
    expect(stateFiles(fresh, 2).every(isSmallPlain)).toBe(true);
    expect(stateFiles(old, 2).some(isGzip)).toBe(false);
  });
});
