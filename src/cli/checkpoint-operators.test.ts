import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { type DataFrame, Session, expr } from "../index.js";
import { formatOperatorStates, operatorStates } from "./checkpoint-operators.js";
import { inspectCommand } from "./inspect-command.js";

const spark = Session.builder().config("spark.ui.enabled", false).config("spark.sql.shuffle.partitions", 2).getOrCreate();

async function checkpointOf(df: DataFrame, add: () => void): Promise<string> {
  const chk = mkdtempSync(join(tmpdir(), "sluice-inspect-ops-"));
  const q = await df.writeStream.format("memory").queryName(`inspect_ops_${Math.random().toString(36).slice(2)}`).option("checkpointLocation", chk).start();
  add();
  await q.processAllAvailable();
  await q.stop();
  return chk;
}

describe("checkpoint inspect: per-operator state through the state data source", () => {
  it("a stateless query's checkpoint has no operators, and the report no section", async () => {
    const s = spark.memoryStream("k INT");
    const chk = await checkpointOf(s.toDF().select("k"), () => s.addData([{ k: 1 }]));
    expect(await operatorStates(spark, chk)).toEqual([]);
    expect(formatOperatorStates([])).toBe("");
  });

  it("lists each operator of a deduplication feeding a stream-stream join, with each store's rows", async () => {
    const l = spark.memoryStream("lk INT, lv STRING");
    const r = spark.memoryStream("rk INT, rv STRING");
    const chk = await checkpointOf(l.toDF().dropDuplicates(["lk"]).join(r.toDF(), expr("lk = rk")), () => {
      l.addData([{ lk: 1, lv: "a" }, { lk: 2, lv: "b" }, { lk: 1, lv: "c" }]);
      r.addData([{ rk: 1, rv: "x" }]);
    });
    const ops = await operatorStates(spark, chk);
    expect(ops.map((o) => [o.operatorId, o.operatorName, o.numPartitions, o.stores.map((s) => `${s.name}=${s.rows}`)])).toEqual([
      [0, "dedupe", 2, ["default=2"]],
      [1, "symmetricHashJoin", 2, ["left-keyToNumValues=2", "left-keyWithIndexToValue=2", "right-keyToNumValues=1", "right-keyWithIndexToValue=1"]],
    ]);
    expect(formatOperatorStates(ops)).toContain("  operator 1: symmetricHashJoin, 2 partition(s)\n    left-keyToNumValues: 2 row(s)\n");

    // The command reports them (here --json); a store whose files are gone says why. (Last: the
    // command stops the session it reads with, here the test's.)
    rmSync(join(chk, "state", "1", "0", "right-keyToNumValues"), { recursive: true });
    rmSync(join(chk, "state", "1", "1", "right-keyToNumValues"), { recursive: true, force: true });
    const out = new PassThrough();
    const text: Buffer[] = [];
    out.on("data", (b: Buffer) => text.push(b));
    await inspectCommand(chk, { limit: 10, json: true }, out as unknown as NodeJS.WriteStream, new PassThrough() as unknown as NodeJS.WriteStream);
    const json = JSON.parse(Buffer.concat(text).toString()) as { operators: { stores: { name: string; rows: number | null; error?: string }[] }[] };
    expect(json.operators[1]!.stores.find((s) => s.name === "right-keyToNumValues")).toEqual({ name: "right-keyToNumValues", rows: null, error: expect.stringContaining("has no state store 'right-keyToNumValues' for operator 1") });
  });

});
