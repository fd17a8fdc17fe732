/**
 * `sluice run`: the reference pipeline (JSON files → watermark → 5-minute windows → Delta) written
 * as SQL, stopped with SIGTERM at random moments and restarted, ends with exactly the windows an
 * unbroken run writes; pipelines as TypeScript and JavaScript modules; the second signal.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Session } from "../../src/index.js";
import { root, runToEnd, sluice } from "./cli-child.js";

const work = mkdtempSync(join(tmpdir(), "sluice-run-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const spark = Session.builder().config("spark.ui.enabled", false).config("spark.sql.session.timeZone", "UTC").getOrCreate();
afterAll(() => spark.stop());

const BASE_MS = Date.UTC(2026, 0, 1);
const FILES = 10;
const PER_FILE = 40;
const STEP_MS = 20_000;
const WINDOW_MS = 5 * 60_000;

/** Event files whose times only grow, so no row is late whichever batches they fall in; then one far later event that closes every window. */
function writeEvents(dir: string): { start: number; events: bigint; amount: number }[] {
  mkdirSync(dir, { recursive: true });
  const expected = new Map<number, { events: bigint; amount: number }>();
  const put = (name: string, lines: string[], i: number): void => {
    const f = join(dir, name);
    writeFileSync(f, lines.join("\n") + "\n");
    utimesSync(f, 1_700_000_000 + i, 1_700_000_000 + i); // listing order = file order
  };
  for (let f = 0; f < FILES; f++) {
    const lines: string[] = [];
    for (let j = 0; j < PER_FILE; j++) {
      const i = f * PER_FILE + j;
      const ts = BASE_MS + i * STEP_MS;
      lines.push(JSON.stringify({ id: i, ts: new Date(ts).toISOString(), amount: i % 7 }));
      const w = Math.floor(ts / WINDOW_MS) * WINDOW_MS;
      const e = expected.get(w) ?? { events: 0n, amount: 0 };
      expected.set(w, { events: e.events + 1n, amount: e.amount + (i % 7) });
    }
    put(`part-${String(f).padStart(2, "0")}.json`, lines, f);
  }
  put("part-99.json", [JSON.stringify({ id: -1, ts: new Date(BASE_MS + 86_400_000).toISOString(), amount: 0 })], FILES);
  return [...expected].map(([start, v]) => ({ start, ...v })).sort((a, b) => a.start - b.start);
}

const pipelineSql = (dir: string): string => `
-- the reference pipeline: files → watermark → windows → Delta
SET spark.sql.session.timeZone = UTC;
SET spark.sql.streaming.checkpointLocation = ${join(dir, "chk")};
CREATE TEMP VIEW events AS
  SELECT * FROM STREAM read_files('${join(dir, "in")}', format => 'json', schema => 'id BIGINT, ts TIMESTAMP, amount DOUBLE', maxFilesPerTrigger => 1)
  WATERMARK ts DELAY OF INTERVAL 10 MINUTES;
INSERT INTO delta.\`${join(dir, "windows")}\`
SELECT window.start AS window_start, count(*) AS events, sum(amount) AS amount
FROM events GROUP BY window(ts, '5 minutes');
`;

async function tableRows(path: string): Promise<{ start: number; events: bigint; amount: number }[]> {
  try {
    const rows = await spark.read.format("delta").load(path).collect();
    return rows.map((r) => ({ start: (r.window_start as Date).getTime(), events: r.events as bigint, amount: r.amount as number })).sort((a, b) => a.start - b.start);
  } catch {
    return []; // no commit yet
  }
}

/** A small seeded generator, so a failing schedule can be replayed with SLUICE_RUN_SEED. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe("sluice run pipeline.sql", () => {
  it("stopped by SIGTERM at random moments and restarted, the Delta table holds exactly the expected windows", async () => {
    const dir = join(work, "reference");
    const expected = writeEvents(join(dir, "in"));
    const file = join(dir, "pipeline.sql");
    writeFileSync(file, pipelineSql(dir));
    const seed = Number(process.env.SLUICE_RUN_SEED ?? Date.now() % 100_000);
    const rand = random(seed);
    const args = ["run", file, "--conf", "spark.ui.enabled=false", "--interval", "0.2"];
    for (let k = 0; k < 4; k++) {
      const c = sluice(args);
      await new Promise((r) => setTimeout(r, 300 + rand() * 4000));
      c.proc.kill("SIGTERM");
      const { code, signal } = await c.exited;
      // Before main.ts installed its handlers the signal ends Node itself; after, it stops cleanly.
      if (signal === null) {
        expect(code, `seed ${seed}, stop ${k}: ${c.stderr}`).toBe(0);
        expect(c.stdout).toContain("Stopped by SIGTERM.");
        expect(c.stdout).toMatch(/ {2}windows: \d+ batch(es)?, [\d,]+ input rows this run/);
      } else expect(signal).toBe("SIGTERM");
    }
    const last = sluice(args);
    await last.waitFor("running (Ctrl-C stops cleanly)");
    let ended = false;
    void last.exited.then(() => (ended = true));
    while (!ended && (await tableRows(join(dir, "windows"))).length < expected.length) await new Promise((r) => setTimeout(r, 300));
    expect(ended, `the last run ended by itself: ${last.stdout}${last.stderr}`).toBe(false);
    last.proc.kill("SIGTERM");
    const end = await runToEnd(last);
    expect(end.code, end.stderr).toBe(0);
    expect(end.stdout).not.toContain("\x1b[");
    expect(await tableRows(join(dir, "windows")), `seed ${seed}`).toEqual(expected);
  }, 240_000);

  it("names the file and line of a bad statement, and refuses a sink that is not a path table", async () => {
    const dir = join(work, "bad");
    mkdirSync(dir, { recursive: true });
    const f = join(dir, "bad.sql");
    writeFileSync(f, "SET a = 1;\nINSERT INTO out SELECT * FROM STREAM read_files('x', format => 'json');\n");
    const r = await runToEnd(sluice(["run", f, "--conf", "spark.ui.enabled=false"]));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`sluice: [RUN_SINK_NOT_A_PATH_TABLE] ${f}:2: INSERT INTO out: name the sink as <format>.\`<path>\``);
    writeFileSync(f, "SET a = 1;\nSELECT 1 SELECT 2;");
    const r2 = await runToEnd(sluice(["run", f, "--conf", "spark.ui.enabled=false"]));
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(new RegExp(`\\[PARSE_SYNTAX_ERROR\\] ${f}: .*2:10`));
    writeFileSync(f, "CREATE TEMP VIEW v AS SELECT 1 AS a;\nINSERT INTO json.`out` SELECT * FROM v;");
    const r3 = await runToEnd(sluice(["run", f, "--conf", "spark.ui.enabled=false"]));
    expect(r3.stderr).toContain(`[RUN_NOT_STREAMING] ${f}:2: INSERT INTO json.out reads no stream`);
    const r4 = await runToEnd(sluice(["run", join(dir, "nope.sql")]));
    expect([r4.code, r4.stderr]).toEqual([1, `sluice: [PATH_NOT_FOUND] ${join(dir, "nope.sql")}: no such file\n`]);
    const r5 = await runToEnd(sluice(["run", join(dir, "p.py")]));
    expect(r5.stderr).toContain("[RUN_UNKNOWN_FILE_TYPE]");
  });
});

describe("sluice run pipeline.ts / pipeline.mjs", () => {
  it("a TypeScript module's default export starts the queries; with availableNow they end by themselves", async () => {
    const dir = join(work, "module-ts");
    mkdirSync(join(dir, "in"), { recursive: true });
    writeFileSync(join(dir, "in", "a.json"), '{"n":1}\n{"n":2}\n{"n":3}\n');
    const f = join(dir, "pipeline.ts");
    writeFileSync(
      f,
      `import type { Session } from ${JSON.stringify(join(root, "src/index.ts"))};
const where: string = ${JSON.stringify(dir)};
export default async function pipeline(spark: Session) {
  const df = spark.readStream.schema("n BIGINT").json(where + "/in");
  return [await df.writeStream.format("delta").option("checkpointLocation", where + "/chk").trigger({ availableNow: true }).queryName("copy").start(where + "/out")];
}
`,
    );
    const r = await runToEnd(sluice(["run", f, "--conf", "spark.ui.enabled=false", "--progress", "json"]));
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(JSON.parse(lines[0]!)).toMatchObject({ name: "copy", batchId: 0, numInputRows: 3 }); // JSON lines: one progress report each
    expect(r.stdout).toContain("Every query ended.\n  copy: 1 batch, 3 input rows this run, last batch 0; stopped cleanly");
    expect((await spark.read.format("delta").load(join(dir, "out")).collect()).map((x) => x.n).sort()).toEqual([1n, 2n, 3n]);
  });

  it("a .mjs module loads as plain JavaScript; a second SIGTERM exits at once while a batch is stuck", async () => {
    const dir = join(work, "module-js");
    mkdirSync(join(dir, "in"), { recursive: true });
    writeFileSync(join(dir, "in", "a.json"), '{"n":1}\n');
    const f = join(dir, "pipeline.mjs");
    writeFileSync(
      f,
      `export default async (spark) => {
  const df = spark.readStream.schema("n BIGINT").json(${JSON.stringify(join(dir, "in"))});
  await df.writeStream.option("checkpointLocation", ${JSON.stringify(join(dir, "chk"))}).foreachBatch(async () => {
    console.log("IN BATCH");
    await new Promise((r) => setTimeout(r, 1e9)); // never finishes: stopping waits for it
  }).start();
};
`,
    );
    const c = sluice(["run", f, "--conf", "spark.ui.enabled=false"]);
    await c.waitFor("IN BATCH");
    c.proc.kill("SIGTERM");
    await c.waitFor("stopping the queries (a second signal exits at once)");
    c.proc.kill("SIGTERM");
    const r = await runToEnd(c);
    expect(r.code).toBe(130);
    expect(r.stdout).toContain("sluice run: second SIGTERM: exiting now");
    expect(r.stdout).not.toContain("Stopped by");
  });

  it("refuses a module without a default export", async () => {
    const f = join(work, "empty.mjs");
    writeFileSync(f, "export const x = 1;\n");
    const r = await runToEnd(sluice(["run", f, "--conf", "spark.ui.enabled=false"]));
    expect([r.code, r.stderr]).toEqual([1, expect.stringContaining("[RUN_NO_DEFAULT_EXPORT]")]);
  });
});
