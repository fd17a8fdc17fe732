/**
 * Stream–stream joins, session windows and the streaming limit key their state in binary in new
 * checkpoints, and keep JSON keys in a checkpoint that pinned `sluice.streaming.stateStore.keyFormat
 * = json` (every checkpoint from before binary keys did: it lacked the conf, which restores as
 * json; test/state-formats/old-checkpoints.test.ts covers that path). Each query runs batch 0 on a
 * json checkpoint and on a binary one, restarts under the default (binary) conf, and runs batch 1:
 * both give the same rows, which need batch 0's state (a join match across the restart, sessions
 * merging, the limit's count), the json checkpoint keeps JSON keys in its files, and the state
 * data source reads both into the same keys. Under binary keys a join key and a session's group
 * sit in Spark's partition, pmod(hash(key columns), n), checked with Sluice's Spark-exact hash().
 */
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type DataFrame, type MemoryStream, Session, col, expr, functions as F } from "../../src/index.js";
import { readStateLines } from "../../src/streaming/state/state-files.js";

const spark = Session.builder().master("local[1]").config("spark.sql.shuffle.partitions", 3).config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false").getOrCreate();
afterAll(() => spark.stop());

type Row = Record<string, unknown>;
const t = (sec: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, sec));
const sorted = (rows: Row[]) => rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? `${v}n` : v))).sort();

interface Case {
  readonly mode: "append" | "complete";
  readonly inputs: () => MemoryStream[];
  readonly query: (inputs: DataFrame[]) => DataFrame;
  readonly batch0: (inputs: MemoryStream[]) => void;
  readonly batch1: (inputs: MemoryStream[]) => void;
}

const CASES: Record<"join" | "session" | "limit", Case> = {
  // INT = BIGINT: the analyzer gives both key columns one type, so both sides encode and hash alike.
  join: {
    mode: "append",
    inputs: () => [spark.memoryStream("lk INT, ls STRING, lv INT"), spark.memoryStream("rk BIGINT, rs STRING, rv INT")],
    query: ([l, r]) => l!.join(r!, expr("lk = rk AND ls = rs")),
    batch0: ([l, r]) => {
      l!.addData([{ lk: 1, ls: "é", lv: 1 }, { lk: 2, ls: "", lv: 2 }, { lk: 3, ls: "日本", lv: 3 }, { lk: 4, ls: "x", lv: 4 }]);
      r!.addData([{ rk: 4n, rs: "x", rv: 40 }]);
    },
    // Each right row matches a left row of batch 0 only, found in the state after the restart.
    batch1: ([, r]) => r!.addData([{ rk: 1n, rs: "é", rv: 10 }, { rk: 2n, rs: "", rv: 20 }, { rk: 3n, rs: "日本", rv: 30 }, { rk: 3n, rs: "日", rv: 31 }]),
  },
  session: {
    mode: "complete",
    inputs: () => [spark.memoryStream("user STRING, n BIGINT, ts TIMESTAMP")],
    query: ([e]) => e!.groupBy(F.session_window(col("ts"), "10 seconds"), col("user"), col("n")).agg(F.count("*").alias("c")),
    batch0: ([e]) => e!.addData([{ user: "é", n: 2n ** 60n, ts: t(1) }, { user: "b", n: null, ts: t(1) }, { user: null, n: 1n, ts: t(30) }, { user: "b", n: null, ts: t(40) }]),
    // Each extends a session of batch 0 (t(31) one that starts later), but 2^60+1 is a new group.
    batch1: ([e]) => e!.addData([{ user: "é", n: 2n ** 60n, ts: t(5) }, { user: "b", n: null, ts: t(10) }, { user: "b", n: null, ts: t(31) }, { user: "é", n: 2n ** 60n + 1n, ts: t(5) }]),
  },
  limit: {
    mode: "append",
    inputs: () => [spark.memoryStream("x INT")],
    query: ([e]) => e!.limit(3),
    batch0: ([e]) => e!.addData([{ x: 1 }, { x: 2 }]),
    batch1: ([e]) => e!.addData([{ x: 3 }, { x: 4 }, { x: 5 }]),
  },
};

/** Batch 0 under `format`, a restart under the default conf, batch 1: the restarted query's rows. */
async function run(c: Case, format: "json" | "binary", checkpoint: string): Promise<Row[]> {
  const inputs = c.inputs();
  const name = `keys_${Math.random().toString(36).slice(2)}`;
  const start = (table: string) => c.query(inputs.map((i) => i.toDF())).writeStream.format("memory").queryName(table).outputMode(c.mode).option("checkpointLocation", checkpoint).start();
  spark.conf.set("sluice.streaming.stateStore.keyFormat", format);
  let q = await start(name);
  c.batch0(inputs);
  await q.processAllAvailable();
  await q.stop();
  spark.conf.set("sluice.streaming.stateStore.keyFormat", "binary");
  q = await start(`${name}_1`);
  c.batch1(inputs);
  await q.processAllAvailable();
  await q.stop();
  return spark.table(`${name}_1`).collect();
}

/** The keys of every put in the delta files of operator 0's stores. */
function storedKeys(checkpoint: string): string[] {
  const root = join(checkpoint, "state", "0");
  const keys: string[] = [];
  for (const part of readdirSync(root)) {
    const dirs = readdirSync(join(root, part)).filter((d) => d !== "_metadata" && !d.endsWith(".delta"));
    for (const dir of dirs.length > 0 ? dirs.map((d) => join(root, part, d)) : [join(root, part)]) {
      for (const f of readdirSync(dir).filter((x) => x.endsWith(".delta"))) {
        for (const line of readStateLines(join(dir, f))) {
          const entry = JSON.parse(line) as unknown[];
          if (entry[0] === "p") keys.push(entry[1] as string);
        }
      }
    }
  }
  return keys;
}

const readState = (checkpoint: string, options: Record<string, string> = {}) => {
  let r = spark.read.format("statestore");
  for (const [k, v] of Object.entries(options)) r = r.option(k, v);
  return r.load(checkpoint);
};
const loggedKeyFormat = (checkpoint: string, batch: number): unknown =>
  (JSON.parse(readFileSync(join(checkpoint, "offsets", String(batch)), "utf8").split("\n")[1]!) as { conf: Record<string, string> }).conf["sluice.streaming.stateStore.keyFormat"];

describe("binary state keys for joins, session windows and limits; json checkpoints keep theirs", () => {
  for (const which of ["join", "session", "limit"] as const) {
    it(`${which}: a json checkpoint restarts with its keys and gives a binary checkpoint's rows`, async () => {
      const dir = mkdtempSync(join(tmpdir(), `sluice-keys-${which}-`));
      const old = join(dir, "json");
      const fresh = join(dir, "binary");
      const fromJson = await run(CASES[which], "json", old);
      const fromBinary = await run(CASES[which], "binary", fresh);
      expect(sorted(fromBinary)).toEqual(sorted(fromJson));
      if (which === "join") expect(sorted(fromJson.map((r) => ({ lv: r.lv, rv: r.rv })))).toEqual(sorted([{ lv: 1, rv: 10 }, { lv: 2, rv: 20 }, { lv: 3, rv: 30 }]));
      if (which === "session") {
        const counts = fromJson.map((r) => [r.user, r.n, (r.session_window as { start: Date }).start.getUTCSeconds(), (r.session_window as { end: Date }).end.getUTCSeconds(), r.c]);
        expect(counts).toEqual(expect.arrayContaining([["é", 2n ** 60n, 1, 15, 2n], ["b", null, 1, 20, 2n], ["b", null, 31, 50, 2n], [null, 1n, 30, 40, 1n], ["é", 2n ** 60n + 1n, 5, 15, 1n]]));
        expect(counts.length).toBe(5);
      }
      if (which === "limit") expect(fromJson.map((r) => r.x)).toEqual([3]);

      expect(loggedKeyFormat(old, 1)).toBe("json");
      expect(loggedKeyFormat(fresh, 1)).toBe("binary");
      const oldKeys = storedKeys(old);
      const newKeys = storedKeys(fresh);
      expect(oldKeys.length).toBeGreaterThan(0);
      expect(oldKeys.every((k) => k.startsWith("["))).toBe(true);
      expect(newKeys.some((k) => k.startsWith("["))).toBe(false);

      // The state data source reads both kinds into the same keys.
      const stores: Record<string, string>[] = which === "join" ? [{ joinSide: "left" }, { joinSide: "right" }, { storeName: "left-keyToNumValues" }] : [{}];
      for (const o of stores) {
        const keys = async (chk: string) => sorted((await readState(chk, o).collect()).map((r) => r.key as Row));
        expect(await keys(fresh)).toEqual(await keys(old));
      }
    });
  }

  it("binary keys put a join key and a session's group in Spark's partition of their key columns", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sluice-keys-placement-"));
    await run(CASES.join, "binary", join(dir, "join"));
    await run(CASES.session, "binary", join(dir, "session"));
    const placed = async (df: DataFrame, keyExprs: string) => {
      const rows = await df.selectExpr("partition_id", `pmod(hash(${keyExprs}), 3) AS spark`).collect();
      expect(rows.length).toBeGreaterThan(3);
      return rows;
    };
    for (const side of ["left", "right"]) {
      for (const r of await placed(readState(join(dir, "join"), { joinSide: side }), "key.field0, key.field1")) expect(r.partition_id).toBe(r.spark);
    }
    // Spark partitions a session window's state by the keys without the session (k0).
    for (const r of await placed(readState(join(dir, "session")), "key.k1, key.k2")) expect(r.partition_id).toBe(r.spark);
  });
});
