/**
 * Reading JSON/CSV in worker threads gives exactly what the in-process path gives: the same rows
 * in the same order, the same errors (code, message, file, line), the same parse modes.
 */
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Session } from "../../session/session.js";
import type { TaskContext } from "../../physical/execution-plan.js";
import { StructType } from "../../types/struct-type.js";
import { readFileBatches } from "./file-source.js";
import { parallelReadPoolState, readFilesInOrder, terminateParallelReadWorkers, useParallelRead } from "./parallel-read.js";
import { read, spec, tempDir, testCtx } from "./test-support.js";

const ctxWith = (threads: number, batchSize = 3): TaskContext => ({ ...testCtx(batchSize), parallelRead: { threads, minBytes: 0 } });

function jsonDir(): string {
  const d = tempDir();
  for (let f = 0; f < 5; f++) {
    const dir = join(d, `part=${f % 2}`);
    mkdirSync(dir, { recursive: true });
    const lines = [];
    for (let i = 0; i < 10 + f; i++) {
      const id = f * 100 + i;
      lines.push(JSON.stringify({ id, name: `n${id}`, amount: i % 4 === 0 ? null : id / 4, ts: `2025-01-0${1 + (i % 9)}T00:00:0${i % 10}.123Z`, tags: i % 3 === 0 ? [] : ["a", `t${i}`], s: { x: i, y: i % 2 === 0 } }));
      if (i === 4) lines.push("");
    }
    writeFileSync(join(dir, `f${f}.json`), lines.join("\n") + "\n");
  }
  return d;
}

function csvDir(): string {
  const d = tempDir();
  for (let f = 0; f < 4; f++) {
    const rows = ["id,name,price,day"];
    for (let i = 0; i < 8 + f; i++) rows.push(`${f * 100 + i},"name ${i}, quoted",${i % 5 === 0 ? "" : i * 1.5},2025-02-${10 + i}`);
    writeFileSync(join(d, `c${f}.csv`), rows.join("\r\n"));
  }
  return d;
}

async function expectSameError(p: () => Promise<unknown>, q: () => Promise<unknown>): Promise<Record<string, unknown>> {
  const a = (await p().then(() => undefined, (e: unknown) => e)) as Record<string, unknown> | undefined;
  const b = (await q().then(() => undefined, (e: unknown) => e)) as Record<string, unknown> | undefined;
  expect(a).toBeDefined();
  expect(b).toBeDefined();
  expect({ name: b!.name, kind: b!.kind, code: b!.code, message: b!.message, context: b!.context }).toEqual({ name: a!.name, kind: a!.kind, code: a!.code, message: a!.message, context: a!.context });
  return b!;
}

describe("parallel JSON/CSV reads", () => {
  it("gives the rows and order of the in-process path (JSON, partitioned, nested values)", async () => {
    const s = spec("json", jsonDir());
    const base = await read(s, ctxWith(0));
    expect(base.rows.length).toBe(5 * 10 + 10);
    for (const threads of [1, 2]) {
      const r = await read(s, ctxWith(threads));
      expect(r.ddl).toBe(base.ddl);
      expect(r.rows).toEqual(base.rows);
    }
    expect(parallelReadPoolState()).toEqual({ workers: 2, active: 0 });
  });

  it("gives the rows and order of the in-process path (CSV with header and inference)", async () => {
    const s = spec("csv", csvDir(), { header: "true", inferSchema: "true" });
    const base = await read(s, ctxWith(0, 4));
    expect(base.ddl).toBe("id INT, name STRING, price DOUBLE, day DATE");
    for (const threads of [1, 2]) expect((await read(s, ctxWith(threads, 4))).rows).toEqual(base.rows);
  });

  it("FAILFAST on a malformed line of the 2nd file throws the in-process error", async () => {
    const d = tempDir();
    writeFileSync(join(d, "a.json"), '{"a":1}\n{"a":2}\n{"a":3}\n{"a":4}\n');
    writeFileSync(join(d, "b.json"), '{"a":5}\n\n{"a":\n{"a":6}\n');
    const s = spec("json", d, { mode: "FAILFAST" }, "a INT");
    for (const threads of [1, 2]) {
      const e = await expectSameError(() => read(s, ctxWith(0, 2)), () => read(s, ctxWith(threads, 2)));
      expect(e).toMatchObject({ code: "MALFORMED_RECORD_IN_PARSING", context: { file: join(d, "b.json"), line: 3 } });
    }
  });

  it("PERMISSIVE puts malformed records in the corrupt-record column; DROPMALFORMED drops them", async () => {
    const d = tempDir();
    writeFileSync(join(d, "a.json"), '{"a":1}\n{"a":"x"}\n');
    writeFileSync(join(d, "b.json"), '{"a":\n{"a":2}\n');
    const s = spec("json", d, {}, "a INT, _corrupt_record STRING");
    const r = await read(s, ctxWith(1));
    expect(r.rows).toEqual([
      { a: 1, _corrupt_record: null },
      { a: null, _corrupt_record: '{"a":"x"}' },
      { a: null, _corrupt_record: '{"a":' },
      { a: 2, _corrupt_record: null },
    ]);
    expect((await read(spec("json", d, { mode: "DROPMALFORMED" }, "a INT"), ctxWith(1))).rows).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it("counts malformed records read in workers and in byte-range pieces as the in-process path does", async () => {
    const d = tempDir();
    // Lines end in \n, \r\n and lone \r: pieces are cut at \n only but number lines as a whole-file read.
    const lines = Array.from({ length: 60 }, (_, i) => (i % 7 === 3 ? `{"a":${i}.5}` : `{"a":${i}}`));
    writeFileSync(join(d, "a.json"), lines.map((l, i) => l + ["\n", "\r\n", "\r"][i % 3]).join(""));
    writeFileSync(join(d, "b.json"), '{"a":1}\n{"a":\n');
    const files = ["a.json", "b.json"].map((f) => ({ path: join(d, f), sizeBytes: 1000 }));
    const run = async (threads: number, mode: string) => {
      const counts = { malformed: 0, dropped: 0 };
      const ctx: TaskContext = { ...testCtx(4), parallelRead: { threads, minBytes: 0, pieceBytes: 100 }, malformedRecords: counts };
      let rows = 0;
      for await (const x of readFilesInOrder("json", files, StructType.fromDDL("a INT"), { mode }, ctx, readFileBatches)) rows += x.batch.numRows;
      return { rows, ...counts };
    };
    expect(await run(0, "PERMISSIVE")).toEqual({ rows: 62, malformed: 10, dropped: 0 });
    expect(await run(0, "DROPMALFORMED")).toEqual({ rows: 52, malformed: 10, dropped: 10 });
    for (const threads of [1, 2]) {
      expect(await run(threads, "PERMISSIVE")).toEqual({ rows: 62, malformed: 10, dropped: 0 });
      expect(await run(threads, "DROPMALFORMED")).toEqual({ rows: 52, malformed: 10, dropped: 10 });
    }
    // A FAILFAST error in a later piece names the line of the whole file (line ends of all three kinds).
    const late = join(tempDir(), "late.json");
    writeFileSync(late, Array.from({ length: 60 }, (_, i) => (i === 49 ? '{"a":1e3}' : `{"a":${i}}`) + ["\n", "\r\n", "\r"][i % 3]).join(""));
    for (const threads of [0, 2]) {
      const ctx = { ...ctxWith(threads), parallelRead: { threads, minBytes: 0, pieceBytes: 100 } };
      await expect(read(spec("json", late, { mode: "FAILFAST" }, "a INT"), ctx)).rejects.toMatchObject({ code: "MALFORMED_RECORD_IN_PARSING", context: { line: 50 } });
    }
  });

  it("an unreadable file fails with the in-process error", async () => {
    const d = tempDir();
    const schema = StructType.fromDDL("a INT");
    const files = [{ path: join(d, "missing.json"), sizeBytes: 10 }];
    const drain = async (format: string, ctx: TaskContext) => {
      for await (const _ of readFilesInOrder(format, files, schema, {}, ctx, readFileBatches));
    };
    for (const format of ["json", "csv"]) {
      const e = await expectSameError(() => drain(format, ctxWith(0)), () => drain(format, ctxWith(1)));
      expect(e).toMatchObject({ code: "FAILED_READ_FILE", context: { file: files[0]!.path } });
    }
  });

  it("stopping early cancels what is in flight; a worker that dies fails the read clearly", async () => {
    const d = tempDir();
    for (const f of ["a", "b", "c"]) writeFileSync(join(d, `${f}.json`), Array.from({ length: 200 }, (_, i) => `{"a":${i}}`).join("\n"));
    const schema = StructType.fromDDL("a INT");
    const files = ["a", "b", "c"].map((f) => ({ path: join(d, `${f}.json`), sizeBytes: 1 }));
    for await (const x of readFilesInOrder("json", files, schema, {}, ctxWith(2, 5), readFileBatches)) {
      expect(x.batch.numRows).toBe(5);
      break;
    }
    expect(parallelReadPoolState().active).toBe(0);

    const it = readFilesInOrder("json", files, schema, {}, ctxWith(1, 5), readFileBatches);
    expect((await it.next()).value?.batch.numRows).toBe(5);
    await terminateParallelReadWorkers();
    await expect((async () => { for (;;) if ((await it.next()).done) return; })()).rejects.toMatchObject({ code: "PARALLEL_READ_WORKER_FAILED", context: { file: files[0]!.path } });
    // a new worker is started for the next read
    let n = 0;
    for await (const x of readFilesInOrder("json", files, schema, {}, ctxWith(1, 50), readFileBatches)) n += x.batch.numRows;
    expect(n).toBe(600);
  });

  it("a second scan while every worker is held by the first reads in-process instead of waiting", async () => {
    const d = tempDir();
    for (const f of ["a", "b"]) writeFileSync(join(d, `${f}.json`), Array.from({ length: 100 }, (_, i) => `{"a":${i}}`).join("\n"));
    const schema = StructType.fromDDL("a INT");
    const files = ["a", "b"].map((f) => ({ path: join(d, `${f}.json`), sizeBytes: 1 }));
    const first = readFilesInOrder("json", files, schema, {}, ctxWith(1, 5), readFileBatches);
    expect((await first.next()).value?.batch.numRows).toBe(5); // the only worker now waits for acks
    let n = 0;
    for await (const x of readFilesInOrder("json", files, schema, {}, ctxWith(1, 5), readFileBatches)) n += x.batch.numRows;
    expect(n).toBe(200);
    for (let r = await first.next(); !r.done; r = await first.next()) n += r.value.batch.numRows;
    expect(n).toBe(395);
    expect(parallelReadPoolState().active).toBe(0);
  });

  it("reads in-process below minBytes, for other formats and with 0 threads", () => {
    const files = [{ path: "x", sizeBytes: 100 }];
    expect(useParallelRead("json", files, { threads: 1, minBytes: 100 })).toBe(true);
    expect(useParallelRead("CSV", files, { threads: 1, minBytes: 100 })).toBe(true);
    expect(useParallelRead("json", files, { threads: 1, minBytes: 101 })).toBe(false);
    expect(useParallelRead("parquet", files, { threads: 1, minBytes: 0 })).toBe(false);
    expect(useParallelRead("json", files, { threads: 0, minBytes: 0 })).toBe(false);
  });

  it("the process exits once the read is done (workers do not keep it alive, used or not)", async () => {
    // 5 files keep both workers busy; 1 file leaves the second worker started but never used.
    for (const [d, rows] of [[jsonDir(), 60], [join(jsonDir(), "part=0", "f0.json"), 10]] as const) expect(await readInChildProcess(d)).toBe(`rows ${rows}`);
  });
});

async function readInChildProcess(d: string): Promise<string> {
    const script = `
      import { createFileScanExec } from ${JSON.stringify(fileURLToPath(new URL("./file-source.ts", import.meta.url)))};
      import { scanNode, spec } from ${JSON.stringify(fileURLToPath(new URL("./test-support.ts", import.meta.url)))};
      let n = 0;
      const ctx = { eval: { timeZone: "UTC", ansi: true, currentTimestampUs: 0 }, batchSize: 4, parallelRead: { threads: 2, minBytes: 0 } };
      for await (const b of createFileScanExec(scanNode(spec("json", ${JSON.stringify(d)}))).execute(ctx)) n += b.numRows;
      console.log("rows", n);
    `;
    const out = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { timeout: 30_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
    });
    return out.trim();
}

describe("parallel JSON/CSV reads in a session", () => {

  it("a session's batch and streaming JSON reads go through the workers with its sluice.files.parallelRead.* conf", async () => {
    const d = jsonDir();
    const rowsOf = async (threads: number) => {
      const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").config("sluice.files.parallelRead.threads", threads).config("sluice.files.parallelRead.minBytes", 0).getOrCreate();
      const batch = await spark.read.schema("id INT, name STRING, ts TIMESTAMP").json(d + "/part=1").collect();
      const seen: unknown[] = [];
      const q = await spark.readStream
        .schema("id INT, name STRING, ts TIMESTAMP")
        .json(d + "/part=*")
        .writeStream.foreachBatch(async (df) => void seen.push(...(await df.collect())))
        .option("checkpointLocation", join(tempDir(), "chk"))
        .trigger({ availableNow: true })
        .start();
      await q.awaitTermination();
      await spark.stop();
      return { batch, seen };
    };
    await terminateParallelReadWorkers();
    const base = await rowsOf(0);
    expect(base.batch.length).toBe(24);
    expect(base.seen.length).toBe(60);
    expect(parallelReadPoolState().workers).toBe(0);
    expect(await rowsOf(2)).toEqual(base);
    expect(parallelReadPoolState()).toEqual({ workers: 2, active: 0 });
  });

  it("validates the conf values", () => {
    const spark = Session.builder().getOrCreate();
    expect(() => spark.conf.set("sluice.files.parallelRead.threads", -1)).toThrow(expect.objectContaining({ code: "INVALID_CONF_VALUE" }));
    expect(() => spark.conf.set("sluice.files.parallelRead.minBytes", "1MB")).toThrow(expect.objectContaining({ code: "INVALID_CONF_VALUE" }));
  });
});
