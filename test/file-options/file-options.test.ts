/**
 * File source options and listing end to end, against PySpark 4.0.1's answers
 * (scripts/oracle/gen_file_options.py wrote expected/<case>.json from cases.json):
 *   1. build each case's files under a fresh folder, as the script does (text with $ROOT, copies
 *      of fixtures/ cut to `truncate` bytes, symbolic links, modification times);
 *   2. load() as a batch or streaming read, delete what the case deletes, then collect (batch)
 *      or run the stream with availableNow into foreachBatch; `rerunDeleting` re-runs batch 0
 *      after removing commits/0 and those files;
 *   3. compare the rows, or the error (Spark's error condition mapped to Sluice's code) and
 *      the phase it happened in, with Spark's answer, except where DIFFERENCES says why not.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { Session } from "../../src/index.js";
import type { DataFrame } from "../../src/dataframe/dataframe.js";

interface CaseFile {
  readonly path: string;
  readonly text?: string;
  readonly copy?: string;
  readonly truncate?: number;
  readonly symlink?: string;
  readonly mtime?: number;
}
interface Case {
  readonly id: string;
  readonly format: string;
  readonly schema: string | null;
  readonly stream?: boolean;
  readonly paths: readonly string[];
  readonly pathOption?: string;
  readonly options: Readonly<Record<string, string>>;
  readonly files: readonly CaseFile[];
  readonly deleteBeforeLoad?: readonly string[];
  readonly deleteAfterLoad?: readonly string[];
  readonly rerunDeleting?: readonly string[];
}
type Phase = "load" | "run" | "rerun";
interface Answer {
  readonly phase: Phase;
  readonly rows?: unknown[][];
  readonly error?: readonly string[];
}

const HERE = dirname(new URL(import.meta.url).pathname);
const cases = (JSON.parse(readFileSync(join(HERE, "cases.json"), "utf8")) as { cases: Case[] }).cases;
const expected = (id: string): Answer => JSON.parse(readFileSync(join(HERE, "expected", `${id}.json`), "utf8")) as Answer;

/** Spark's error condition (the innermost of its chain with a match) → the code Sluice uses for it. */
const CODES: Readonly<Record<string, string>> = {
  PATH_NOT_FOUND: "PATH_NOT_FOUND",
  "FAILED_READ_FILE.FILE_NOT_EXIST": "FILE_NOT_EXIST",
  "MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION": "MALFORMED_RECORD_IN_PARSING",
  "FAILED_READ_FILE.NO_HINT": "FAILED_READ_FILE",
  UNABLE_TO_INFER_SCHEMA: "UNABLE_TO_INFER_SCHEMA",
  _LEGACY_ERROR_TEMP_1294: "INVALID_OPTION", // an invalid modifiedBefore/modifiedAfter timestamp
  _LEGACY_ERROR_TEMP_1306: "PATH_OPTION_CONFLICT", // batch: option("path") and load(paths)
  _LEGACY_ERROR_TEMP_1188: "PATH_OPTION_CONFLICT", // stream: option("path") and load(path)
};

/** Cases where Sluice answers differently from Spark on purpose (docs/differences.md). */
const DIFFERENCES: Readonly<Record<string, { readonly why: string; readonly answer: Answer }>> = {
  "manifest-deleted-stream-ignore-false": {
    why: "Spark's streaming source skips a file the sink manifest lists but that was deleted, silently; Sluice fails naming it unless ignoreMissingFiles",
    answer: { phase: "run", error: ["FILE_NOT_EXIST"] },
  },
  "stream-rerun-deleted-ignore-false": {
    why: "Spark skips a logged file deleted before its batch re-runs, silently; Sluice fails naming it unless ignoreMissingFiles",
    answer: { phase: "rerun", error: ["FILE_NOT_EXIST"] },
  },
  "partitions-stream-base-path": {
    why: "Spark 4.0.1 crashes inside the scan (ArrayIndexOutOfBoundsException, a Spark bug) on a stream with basePath; Sluice fills the partition column",
    answer: { phase: "run", rows: [[1, 1]] },
  },
  "modified-after-stream": {
    why: "Spark refuses modifiedAfter on a streaming source when the query runs; Sluice already at load()",
    answer: { phase: "load", error: ["INVALID_OPTION"] },
  },
};

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();

function build(root: string, files: readonly CaseFile[]): void {
  for (const f of files) {
    const p = join(root, f.path);
    mkdirSync(dirname(p), { recursive: true });
    if (f.symlink !== undefined) {
      symlinkSync(f.symlink, p);
      continue;
    }
    if (f.copy !== undefined) copyFileSync(join(HERE, "fixtures", f.copy), p);
    else writeFileSync(p, f.text!.replaceAll("$ROOT", root));
    if (f.truncate !== undefined) truncateSync(p, f.truncate);
    if (f.mtime !== undefined) utimesSync(p, f.mtime, f.mtime);
  }
}

function load(c: Case, root: string): DataFrame {
  let r = c.stream ? spark.readStream : spark.read;
  r = r.format(c.format).options(Object.fromEntries(Object.entries(c.options).map(([k, v]) => [k, v.replaceAll("$ROOT", root)])));
  if (c.schema) r = r.schema(c.schema);
  if (c.pathOption !== undefined) r = r.option("path", join(root, c.pathOption));
  return r.load(...c.paths.map((p) => join(root, p)));
}

/** A BIGINT as the goldens hold it: a number while safe, its exact digits in a string beyond (never rounded). */
const goldenValue = (x: unknown): unknown => (typeof x === "bigint" ? (x >= -9007199254740991n && x <= 9007199254740991n ? Number(x) : x.toString()) : x);
const sortRows = (rows: unknown[][]): unknown[][] => rows.map((r) => r.map(goldenValue)).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));

async function runStream(df: DataFrame, chk: string): Promise<unknown[][]> {
  const got: unknown[][] = [];
  const q = await df.writeStream
    .foreachBatch(async (b) => void got.push(...(await b.collect()).map((r) => df.columns.map((c) => r[c]))))
    .option("checkpointLocation", chk)
    .trigger({ availableNow: true })
    .start();
  await q.awaitTermination();
  return sortRows(got);
}

/** The codes of `e` and of its causes. */
function codes(e: unknown): string[] {
  const out: string[] = [];
  for (let x = e as { code?: unknown; cause?: unknown } | undefined; x; x = x.cause as typeof x) if (typeof x.code === "string") out.push(x.code);
  return out;
}

async function answer(c: Case): Promise<{ phase: Phase; rows?: unknown[][]; codes?: string[] }> {
  const root = mkdtempSync(join(tmpdir(), "sluice-file-options-"));
  build(root, c.files);
  for (const f of c.deleteBeforeLoad ?? []) rmSync(join(root, f));
  let phase: Phase = "load";
  try {
    const df = load(c, root);
    for (const f of c.deleteAfterLoad ?? []) rmSync(join(root, f));
    phase = "run";
    if (!c.stream) return { phase, rows: sortRows((await df.collect()).map((r) => df.columns.map((k) => r[k]))) };
    const chk = join(root, "_chk");
    let rows = await runStream(df, chk);
    if (c.rerunDeleting) {
      rmSync(join(chk, "commits", "0"));
      for (const f of c.rerunDeleting) rmSync(join(root, f));
      phase = "rerun";
      rows = await runStream(load(c, root), chk);
    }
    return { phase, rows };
  } catch (e) {
    return { phase, codes: codes(e) };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe("file options and listing against PySpark 4.0.1", () => {
  it.each(cases.map((c) => [c.id, c] as const))("%s", async (_id, c) => {
    const spark4 = expected(c.id);
    const want = DIFFERENCES[c.id]?.answer ?? { phase: spark4.phase, ...(spark4.rows ? { rows: spark4.rows } : { error: [spark4.error!.map((x) => CODES[x]).findLast((x) => x !== undefined) ?? `unmapped ${spark4.error!.join(" / ")}`] }) };
    const got = await answer(c);
    expect(got.phase).toBe(want.phase);
    if (want.rows) expect(got.rows ?? got.codes).toEqual(want.rows);
    else expect(got.codes ?? got.rows).toContain(want.error![0]);
  });
});
