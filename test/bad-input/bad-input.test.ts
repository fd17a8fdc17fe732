/**
 * The bad-input corpus end to end (README.md): every input of cases.json, for JSON and CSV, read
 * in each parse-mode variant as a batch and as a stream, against PySpark 4.0.1's answers.
 *   1. Write each group's inputs as real files (one folder per group, modification times in
 *      corpus order so a stream with maxFilesPerTrigger=N reads them N at a time, in order).
 *   2. Batch: each file on its own, per mode: Spark's rows, or for FAILFAST an error naming the
 *      file and the line of the first malformed record; the warning's counts add up: rows +
 *      dropped = input records, and the malformed count is the rows Spark marks corrupt.
 *   3. Inference: each file read without a schema (CSV with inferSchema=true) in PERMISSIVE and
 *      FAILFAST gives Spark's schema and row count, or fails as Spark does (naming the file).
 *   4. Streaming: one availableNow query per group and mode over all its files; per micro-batch
 *      its files' rows, and `sources[0].metrics` numMalformedRecords / numDroppedMalformedRecords
 *      adding up as in batch.
 *      FAILFAST: a query over the files Spark reads cleanly gives their rows; one over each other
 *      file fails naming that file and line.
 */
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Session } from "../../src/index.js";
import { type Answer, type Group, INFER_MODES, type InferMode, type Input, MODES, type Mode, answers, expand, groups, lineOf } from "./corpus.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const root = mkdtempSync(join(tmpdir(), "sluice-bad-input-"));

const BOM_ONLY = "a file holding only a byte order mark has no records, so inference fails as for any file without records (Spark 4.0.1 infers struct<>)";
const DEEP_TYPE = "PySpark 4.0.1 cannot return a 998-level nested type it inferred (CANNOT_PARSE_DATATYPE); Sluice infers it";
const CORRUPT_ONLY = "Spark refuses a query of only the corrupt-record column of a raw file (UNSUPPORTED_FEATURE.QUERY_ONLY_CORRUPT_RECORD_COLUMN); Sluice reads it";
/** The schema Sluice infers for `{"k":1,"z":<[n]>}`: z as n nested arrays of STRING. */
const deepArrays = (n: number) => `struct<k:bigint,z:${"array<".repeat(n)}string${">".repeat(n)}>`;

/**
 * Inputs where Sluice deliberately answers differently from Spark (listed in README.md): the
 * reason, and Sluice's answer for the modes that differ (the others must equal Spark's).
 */
const DIFFERENCES: Record<string, { readonly why: string; readonly answers: Partial<Record<Mode | InferMode, Answer>> }> = {
  "json/utf8-truncated-at-end": {
    why: "a record with invalid UTF-8 is malformed as a whole (Spark keeps the fields Jackson decoded before the bad bytes, here k)",
    answers: {
      P: { rows: [[1, null, null, null, null, null], [null, null, null, null, null, '{"k":2,"s":"\ufffd"}']] },
      P0: { rows: [[1, null, null, null, null], [null, null, null, null, null]] },
    },
  },
  "json/bom-only": { why: BOM_ONLY, answers: { I: { error: ["UNABLE_TO_INFER_SCHEMA"] }, IF: { error: ["UNABLE_TO_INFER_SCHEMA"] } } },
  "csv/bom-only": { why: BOM_ONLY, answers: { I: { error: ["UNABLE_TO_INFER_SCHEMA"] }, IF: { error: ["UNABLE_TO_INFER_SCHEMA"] } } },
  "json/deep-999": { why: DEEP_TYPE, answers: { I: { schema: deepArrays(998), count: 2 }, IF: { schema: deepArrays(998), count: 2 } } },
  "json/deep-1000": { why: DEEP_TYPE, answers: { I: { schema: deepArrays(999), count: 2 }, IF: { schema: deepArrays(999), count: 2 } } },
  "json-multiline/deep-999": { why: DEEP_TYPE, answers: { I: { schema: deepArrays(998), count: 1 }, IF: { schema: deepArrays(998), count: 1 } } },
  "json-multiline/utf8-invalid": { why: CORRUPT_ONLY, answers: { I: { schema: "struct<_corrupt_record:string>", count: 1 } } },
  "json-multiline/deep-1001": { why: CORRUPT_ONLY, answers: { I: { schema: "struct<_corrupt_record:string>", count: 1 } } },
  "csv-linesep-lf/crlf-last-bigint": {
    why: "the corrupt-record text is the record as read, up to lineSep (Spark drops the \\r before it there, yet keeps it in the last value)",
    answers: { P: { rows: [[1, null, "5\r", "1,a,5\r"], [2, null, "6", "2,b,6"]] } },
  },
};

const ext = (g: Group) => g.format;
const dirOf = (g: Group) => join(root, g.id);
const pathOf = (g: Group, i: Input) => join(dirOf(g), `${i.id}.${ext(g)}`);
const schemaOf = (g: Group, mode: Mode) => g.schema + (mode === "P" ? ", _corrupt_record STRING" : "");
const columns = (g: Group, mode: Mode) => schemaOf(g, mode).split(",").map((c) => c.trim().split(/\s+/) as [string, string]);

/** Sluice rows as Spark's answer lists them: values in schema order, TIMESTAMP as µs since the epoch. */
function asAnswerRows(g: Group, mode: Mode, rows: readonly Record<string, unknown>[]): unknown[][] {
  const cols = columns(g, mode);
  return rows.map((r) => cols.map(([name]) => (r[name] instanceof Date ? (r[name] as Date).getTime() * 1000 : r[name])));
}

/**
 * Spark's rows as Sluice presents them: a BIGINT (a JSON number, or digits in a string beyond
 * 2^53) as the exact bigint, a TIMESTAMP written as a string of µs as a number.
 */
function expectedRows(g: Group, mode: Mode, a: Answer): unknown[][] {
  const cols = columns(g, mode);
  return (a.rows ?? []).map((r) =>
    r.map((v, k) => (v !== null && /^BIGINT$/i.test(cols[k]![1]) ? BigInt(v as string | number) : typeof v === "string" && /^TIMESTAMP$/i.test(cols[k]![1]) ? Number(v) : v)),
  );
}

const readerOptions = (g: Group, mode: Mode) => ({ ...g.options, mode: MODES[mode] });

/** Rows Spark marked corrupt (PERMISSIVE with the corrupt-record column). */
const corruptRows = (a: Answer) => (a.rows ?? []).filter((r) => r[r.length - 1] !== null);

/** The line Sluice must name for a file Spark fails in FAILFAST: where the first corrupt record starts. */
function failLine(g: Group, i: Input, p: Answer): number {
  const raw = corruptRows(p)[0]?.[p.rows![0]!.length - 1];
  if (typeof raw !== "string") throw new Error(`${g.id}/${i.id}: Spark failed in FAILFAST but marked no record corrupt`);
  return lineOf(i.bytes.toString("utf8"), raw, g.options.lineSep, g.options.multiLine === "true");
}

/** Warnings a batch read writes, as { malformed, dropped } per path. */
function captureWarnings(): { counts: (path: string) => { malformed: number; dropped: number }; reset: () => void; restore: () => void } {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
  return {
    counts(path) {
      const w = lines.filter((l) => l.startsWith("sluice: warning:") && l.includes(`read of ${path} met`));
      lines.length = 0;
      if (w.length === 0) return { malformed: 0, dropped: 0 };
      const m = /met (\d+) malformed records?, (?:(\d+) dropped)?/.exec(w[0]!)!;
      return { malformed: Number(m[1]), dropped: Number(m[2] ?? 0) };
    },
    reset: () => void (lines.length = 0),
    restore: () => spy.mockRestore(),
  };
}

/** Spark's answers, with DIFFERENCES applied. */
function expectedAnswers(g: Group): Record<string, Record<Mode | InferMode, Answer>> {
  const a = answers(g.id);
  for (const [key, d] of Object.entries(DIFFERENCES)) {
    const [group, input] = key.split("/") as [string, string];
    if (group === g.id) a[input] = { ...a[input]!, ...d.answers };
  }
  return a;
}

const corpus = groups().map((g) => ({ g, inputs: expand(g), spark: expectedAnswers(g) }));

beforeAll(() => {
  for (const { g, inputs } of corpus) {
    mkdirSync(dirOf(g), { recursive: true });
    inputs.forEach((i, n) => {
      writeFileSync(pathOf(g, i), i.bytes);
      utimesSync(pathOf(g, i), 1_000_000 + n, 1_000_000 + n);
    });
  }
});

describe.each(corpus)("batch: $g.id", ({ g, inputs, spark: expected }) => {
  let warnings: ReturnType<typeof captureWarnings>;
  beforeAll(() => void (warnings = captureWarnings()));
  afterAll(() => warnings.restore());

  const cases = inputs.flatMap((i) => (Object.keys(MODES) as Mode[]).map((mode) => ({ i, mode, name: `${i.id}${i.value ? ` (${i.value})` : ""} ${mode}` })));
  it.each(cases)("$name", async ({ i, mode }) => {
    const a = expected[i.id]![mode];
    const p = expected[i.id]!.P;
    const path = pathOf(g, i);
    warnings.reset();
    const df = () => spark.read.format(g.format).schema(schemaOf(g, mode)).options(readerOptions(g, mode)).load(path).collect();
    if (a.error) {
      expect(mode).toBe("F");
      const line = failLine(g, i, p);
      await expect(df()).rejects.toMatchObject({ code: "MALFORMED_RECORD_IN_PARSING", context: { file: path, line }, message: expect.stringContaining(`${path} at line ${line}`) });
      return;
    }
    const rows = asAnswerRows(g, mode, await df());
    expect(rows).toEqual(expectedRows(g, mode, a));
    // What was lost to bad input adds up: rows + dropped = input records; malformed = Spark's corrupt rows.
    const c = warnings.counts(path);
    const records = p.rows!.length;
    expect({ rows: rows.length + c.dropped, malformed: c.malformed }).toEqual({ rows: records, malformed: mode === "F" ? 0 : corruptRows(p).length });
  });
});

/** A SluiceError's code matches Spark's error chain: one of its conditions or their main class. */
const sparkCodes = (chain: readonly string[]) => chain.flatMap((c) => [c, c.split(".")[0]!]);

describe.each(corpus)("inference: $g.id", ({ g, inputs, spark: expected }) => {
  const cases = inputs.filter((i) => i.inferable).flatMap((i) => (Object.keys(INFER_MODES) as InferMode[]).map((mode) => ({ i, mode, name: `${i.id} ${mode}` })));
  it.each(cases)("$name", async ({ i, mode }) => {
    const a = expected[i.id]![mode];
    const path = pathOf(g, i);
    const options = { ...g.options, mode: INFER_MODES[mode], ...(g.format === "csv" ? { inferSchema: "true" } : {}) };
    const run = async () => {
      const df = spark.read.format(g.format).options(options).load(path);
      return { schema: df.schema.simpleString(), count: (await df.collect()).length };
    };
    if (a.error) {
      const e = (await run().then(
        () => null,
        (x: unknown) => x,
      )) as { code?: string; context?: { file?: string } } | null;
      expect(e, "Spark fails").not.toBeNull();
      expect(sparkCodes(a.error)).toContain(e!.code);
      if (e!.code === "MALFORMED_RECORD_IN_PARSING") expect(e!.context?.file).toBe(path);
      return;
    }
    expect(await run()).toEqual({ schema: a.schema, count: a.count });
  });
});

/** Progress `sources[0]` of each micro-batch. */
interface SourceProgress {
  readonly numInputRows: number;
  readonly metrics: Record<string, string>;
}

async function runStream(g: Group, mode: Mode, dir: string, name: string) {
  const batches = new Map<number, Record<string, unknown>[]>();
  const q = await spark.readStream
    .format(g.format)
    .schema(schemaOf(g, mode))
    .options({ ...readerOptions(g, mode), maxFilesPerTrigger: FILES_PER_BATCH })
    .load(dir)
    .writeStream.foreachBatch(async (df, id) => void batches.set(id, await df.collect()))
    .option("checkpointLocation", join(root, "checkpoints", `${name}-${mode}`))
    .trigger({ availableNow: true })
    .start();
  const done = q.awaitTermination().then(
    () => null,
    (e: unknown) => e,
  );
  return { batches, error: await done, progress: q.recentProgress.map((x) => (x as { sources: readonly SourceProgress[] }).sources[0]!) };
}

/** Files per micro-batch in the streaming runs (several, so the corpus stays quick to run). */
const FILES_PER_BATCH = 10;

describe.each(corpus)("streaming: $g.id", ({ g, inputs, spark: expected }) => {
  it.each(["P", "P0", "D"] as const)("%s: each micro-batch has Spark's rows of its files and their malformed records in progress metrics", async (mode) => {
    const { batches, error, progress } = await runStream(g, mode, dirOf(g), g.id);
    expect(error).toBeNull();
    expect(progress.length).toBe(Math.ceil(inputs.length / FILES_PER_BATCH));
    progress.forEach((source, n) => {
      const files = inputs.slice(n * FILES_PER_BATCH, (n + 1) * FILES_PER_BATCH);
      const ids = files.map((i) => i.id).join(", ");
      expect(asAnswerRows(g, mode, batches.get(n) ?? []), ids).toEqual(files.flatMap((i) => expectedRows(g, mode, expected[i.id]![mode])));
      const records = files.reduce((k, i) => k + expected[i.id]!.P.rows!.length, 0);
      const malformed = files.reduce((k, i) => k + corruptRows(expected[i.id]!.P).length, 0);
      const m = source.metrics;
      expect({ ids, rows: source.numInputRows + Number(m.numDroppedMalformedRecords), malformed: Number(m.numMalformedRecords) }).toEqual({ ids, rows: records, malformed });
    });
  });

  const failing = inputs.filter((i) => expected[i.id]!.F.error);
  it("F: the files Spark reads cleanly give its rows; each other file fails the query naming file and line", async () => {
    const clean = join(root, `${g.id}-clean`);
    mkdirSync(clean, { recursive: true });
    const ok = inputs.filter((i) => !expected[i.id]!.F.error);
    ok.forEach((i, n) => {
      writeFileSync(join(clean, `${i.id}.${ext(g)}`), i.bytes);
      utimesSync(join(clean, `${i.id}.${ext(g)}`), 1_000_000 + n, 1_000_000 + n);
    });
    const all = await runStream(g, "F", clean, `${g.id}-clean`);
    expect(all.error).toBeNull();
    const got = [...all.batches.keys()].sort((a, b) => a - b).flatMap((id) => asAnswerRows(g, "F", all.batches.get(id)!));
    expect(got).toEqual(ok.flatMap((i) => expectedRows(g, "F", expected[i.id]!.F)));
    const results = await Promise.all(
      failing.map(async (i) => {
        const dir = join(root, `${g.id}-fail`, i.id);
        mkdirSync(dir, { recursive: true });
        const file = join(dir, `${i.id}.${ext(g)}`);
        writeFileSync(file, i.bytes);
        const r = await runStream(g, "F", dir, `${g.id}-fail-${i.id}`);
        const e = r.error as { code?: string; message?: string; context?: { file?: string; line?: number } } | null;
        return { input: i.id, code: e?.code, file: e?.context?.file === file, line: e?.context?.line, named: e?.message?.includes(file) ?? false };
      }),
    );
    expect(results).toEqual(failing.map((i) => ({ input: i.id, code: "MALFORMED_RECORD_IN_PARSING", file: true, line: failLine(g, i, expected[i.id]!.P), named: true })));
  });
});

