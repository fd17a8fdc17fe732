/**
 * A Delta stream with `schemaTrackingLocation` across a RENAME COLUMN and a DROP COLUMN on a
 * column-mapped table, as delta-spark 4.0 runs it (scripts/oracle/delta_schema_tracking.py
 * recorded the steps, the errors and the schema log): the first run writes schema log entry 0;
 * after the rename the next run ends its batch at a barrier offset (index -20, then -19), writes
 * entry 1 and fails with DELTA_STREAMING_METADATA_EVOLUTION; the restart is refused with
 * DELTA_STREAMING_CANNOT_CONTINUE_PROCESSING_POST_SCHEMA_EVOLUTION until
 * spark.databricks.delta.streaming.allowSourceColumnRename (or the reader option) allows it, and
 * then reads on with the new column name.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Session } from "../../src/index.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const root = mkdtempSync(join(tmpdir(), "sluice-schema-tracking-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function createTable(name: string): Promise<string> {
  const t = join(root, name);
  await spark.createDataFrame([{ id: 1, name: "a" }], "id INT, name STRING").write.format("delta").option("delta.columnMapping.mode", "name").save(t);
  return t;
}

/** One availableNow run; the rows each batch saw, or the error the run stopped with. */
async function run(t: string, chk: string, options: Record<string, string> = {}): Promise<{ rows: Record<string, unknown>[]; error?: { code: string; message: string } }> {
  const rows: Record<string, unknown>[] = [];
  let r = spark.readStream.format("delta");
  for (const [k, v] of Object.entries(options)) r = r.option(k, v);
  try {
    const q = await r
      .load(t)
      .writeStream.foreachBatch(async (df) => void rows.push(...(await df.collect())))
      .option("checkpointLocation", chk)
      .trigger({ availableNow: true })
      .start();
    await q.awaitTermination();
    return { rows };
  } catch (e) {
    return { rows, error: e as { code: string; message: string } };
  }
}

describe("Delta streaming source with schemaTrackingLocation", () => {
  it("stops at a rename, records the new schema, and reads on with it once the rename is allowed", async () => {
    const t = await createTable("renamed");
    const chk = join(root, "chk-renamed");
    const opts = { schemaTrackingLocation: join(chk, "_schema") };
    expect(await run(t, chk, opts)).toEqual({ rows: [{ id: 1, name: "a" }] });
    const logDir = join(chk, "_schema", readdirSync(join(chk, "_schema"))[0]!);
    expect(readdirSync(join(chk, "_schema"))[0]).toMatch(/^_schema_log_[0-9a-f-]{36}$/);
    expect(readdirSync(logDir)).toEqual(["0"]);

    await spark.sql(`ALTER TABLE delta.\`${t}\` RENAME COLUMN name TO label`).collect();
    await spark.createDataFrame([{ id: 2, label: "b" }], "id INT, label STRING").write.format("delta").mode("append").save(t);
    const evolved = await run(t, chk, opts);
    expect(evolved.error?.code).toBe("DELTA_STREAMING_METADATA_EVOLUTION");
    expect(evolved.error?.message).toContain("Updated schema: struct<id:int,label:string>");
    expect(evolved.rows).toEqual([]);
    const [head, body] = readFileSync(join(logDir, "1"), "utf8").split("\n");
    expect(head).toBe("v1");
    expect(JSON.parse(body!)).toMatchObject({ deltaCommitVersion: 1, partitionSchemaJson: '{"type":"struct","fields":[]}', tableConfigurations: { "delta.columnMapping.mode": "name" } });
    // the barrier offsets, as delta-spark writes them (sourceVersion 3)
    const offsets = readdirSync(join(chk, "offsets")).filter((f) => /^\d+$/.test(f)).sort((a, b) => Number(a) - Number(b));
    const last = offsets.slice(-2).map((f) => JSON.parse(readFileSync(join(chk, "offsets", f), "utf8").split("\n").find((l) => l.startsWith('{"sourceVersion"'))!) as Record<string, unknown>);
    expect(last).toEqual([
      { sourceVersion: 3, reservoirVersion: 1, index: -20, isStartingVersion: false },
      { sourceVersion: 3, reservoirVersion: 1, index: -19, isStartingVersion: false },
    ]);

    const blocked = await run(t, chk, opts);
    expect(blocked.error?.code).toBe("DELTA_STREAMING_CANNOT_CONTINUE_PROCESSING_POST_SCHEMA_EVOLUTION");
    expect(blocked.error?.message).toContain("(RENAME COLUMN) between Delta version 0 and 1");
    expect(blocked.error?.message).toContain(`.option("allowSourceColumnRename", "1")`);
    expect(blocked.error?.message).toMatch(/SET spark\.databricks\.delta\.streaming\.allowSourceColumnRename\.ckpt_-?\d+ = 1;/);

    spark.conf.set("spark.databricks.delta.streaming.allowSourceColumnRename", "always");
    try {
      expect(await run(t, chk, opts)).toEqual({ rows: [{ id: 2, label: "b" }] });
    } finally {
      spark.conf.unset("spark.databricks.delta.streaming.allowSourceColumnRename");
    }
  });

  it("a drop is allowed by the reader option with the change's version only", async () => {
    const t = await createTable("dropped");
    const chk = join(root, "chk-dropped");
    const opts = { schemaTrackingLocation: join(chk, "_schema") };
    await run(t, chk, opts);
    await spark.sql(`ALTER TABLE delta.\`${t}\` DROP COLUMN name`).collect();
    await spark.createDataFrame([{ id: 2 }], "id INT").write.format("delta").mode("append").save(t);
    expect((await run(t, chk, opts)).error?.code).toBe("DELTA_STREAMING_METADATA_EVOLUTION");
    const blocked = await run(t, chk, opts);
    expect(blocked.error?.message).toContain("(DROP COLUMN) between Delta version 0 and 1");
    expect((await run(t, chk, { ...opts, allowSourceColumnDrop: "7" })).error?.code).toBe("DELTA_STREAMING_CANNOT_CONTINUE_PROCESSING_POST_SCHEMA_EVOLUTION");
    expect(await run(t, chk, { ...opts, allowSourceColumnDrop: "1" })).toEqual({ rows: [{ id: 2 }] });
  });

  it("refuses a schemaTrackingLocation outside the checkpoint, and the unblock options without one", async () => {
    const t = await createTable("misplaced");
    const outside = await run(t, join(root, "chk-misplaced"), { schemaTrackingLocation: join(root, "elsewhere") });
    expect(outside.error?.code).toBe("DELTA_STREAMING_SCHEMA_LOCATION_NOT_UNDER_CHECKPOINT");
    expect((await run(t, join(root, "chk-x"), { allowSourceColumnRename: "always" })).error?.code).toBe("INVALID_OPTION");
  });
});
