/**
 * ALTER TABLE ... ADD COLUMNS of TIMESTAMP_NTZ on a Delta table, against what delta-spark 4.0 does
 * (scripts/oracle/delta_add_columns_ntz.py → add-columns-ntz.golden.json): refused by name when the
 * table lacks the timestampNtz feature (also a bare TIMESTAMP under spark.sql.timestampType =
 * TIMESTAMP_NTZ), taken when the table was created with it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Session } from "../../src/index.js";
import { loadSnapshot } from "../../src/delta/snapshot.js";
import { errorOf, tempTable } from "../../src/delta/test-helpers.js";

interface Golden {
  withoutFeature: string;
  withoutFeatureNested: string;
  withoutFeatureBareTimestampUnderNtz: string;
  withFeature: { protocol: { minReaderVersion: number; minWriterVersion: number; readerFeatures: string[]; writerFeatures: string[] }; fields: Record<string, unknown> };
}
const golden = JSON.parse(readFileSync(join(import.meta.dirname, "add-columns-ntz.golden.json"), "utf8")) as Golden;
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
afterAll(() => spark.stop());

async function table(options: Record<string, string> = {}): Promise<string> {
  const path = tempTable();
  await spark.createDataFrame([{ id: 1 }], "id INT").write.format("delta").options(options).save(path);
  return path;
}
const alter = (path: string, cols: string) => spark.sql(`ALTER TABLE delta.\`${path}\` ADD COLUMNS (${cols})`).collect();

describe("ADD COLUMNS TIMESTAMP_NTZ", () => {
  it("is refused by name on a table without the timestampNtz feature, committing nothing", async () => {
    const path = await table();
    for (const [cols, want] of [["ts TIMESTAMP_NTZ", golden.withoutFeature], ["s STRUCT<t: TIMESTAMP_NTZ>", golden.withoutFeatureNested]] as const) {
      const e = await errorOf(() => alter(path, cols));
      expect(e.code, cols).toBe(want);
      expect(e.message).toContain("'delta.feature.timestampNtz' = 'supported'");
    }
    spark.conf.set("spark.sql.timestampType", "TIMESTAMP_NTZ");
    try {
      expect((await errorOf(() => alter(path, "ts TIMESTAMP"))).code).toBe(golden.withoutFeatureBareTimestampUnderNtz);
    } finally {
      spark.conf.unset("spark.sql.timestampType");
    }
    expect((await loadSnapshot(path)).version).toBe(0);
  });

  it("is taken on a table created with the feature; a bare TIMESTAMP follows spark.sql.timestampType", async () => {
    const path = await table({ "delta.feature.timestampNtz": "supported" });
    await alter(path, "a TIMESTAMP_NTZ, b TIMESTAMP");
    spark.conf.set("spark.sql.timestampType", "TIMESTAMP_NTZ");
    try {
      await alter(path, "c TIMESTAMP, d TIMESTAMP_LTZ");
    } finally {
      spark.conf.unset("spark.sql.timestampType");
    }
    const snap = await loadSnapshot(path);
    const fields = Object.fromEntries((JSON.parse(snap.metadata.schemaString) as { fields: { name: string; type: unknown }[] }).fields.map((f) => [f.name, f.type]));
    expect(fields).toEqual(golden.withFeature.fields);
    const p = snap.protocol;
    expect({ ...p, readerFeatures: [...(p.readerFeatures ?? [])].sort(), writerFeatures: [...(p.writerFeatures ?? [])].sort() }).toEqual(golden.withFeature.protocol);
    const df = spark.read.format("delta").load(path);
    expect(df.schema.simpleString()).toBe("struct<id:int,a:timestamp_ntz,b:timestamp,c:timestamp_ntz,d:timestamp>");
    expect(await df.collect()).toEqual([{ id: 1, a: null, b: null, c: null, d: null }]);
  });
});
