import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Metadata, Protocol } from "./actions.js";
import { checkReadSupported, checkWriteSupported, protocolForNewTable } from "./protocol.js";
import { errorOf } from "./test-helpers.js";

const md = (configuration: Record<string, string> = {}, schemaString = '{"type":"struct","fields":[]}'): Metadata => ({
  id: "i",
  format: { provider: "parquet", options: {} },
  schemaString,
  partitionColumns: [],
  configuration,
});

describe("protocol gate", () => {
  it("reads reader 1, reader 2 (column mapping), reader 3 with vacuumProtocolCheck, deletionVectors, columnMapping, v2Checkpoint, typeWidening, variantType", () => {
    checkReadSupported({ minReaderVersion: 1, minWriterVersion: 2 }, md(), "t");
    checkReadSupported({ minReaderVersion: 2, minWriterVersion: 5 }, md({ "delta.columnMapping.mode": "none" }), "t");
    checkReadSupported({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["vacuumProtocolCheck"], writerFeatures: [] }, md(), "t");
    checkReadSupported({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["deletionVectors"], writerFeatures: ["deletionVectors"] }, md(), "t");
    checkReadSupported({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["v2Checkpoint", "columnMapping", "typeWidening"], writerFeatures: ["v2Checkpoint"] }, md(), "t");
    // VARIANT columns are read and written
    const variant = { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["variantType-preview", "variantType"], writerFeatures: ["variantType"] };
    checkReadSupported(variant, md(), "t");
    checkWriteSupported(variant, md(), "t");
  });

  it("refuses unsupported reader features naming each one and the table", async () => {
    const e = await errorOf(() =>
      checkReadSupported({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["deletionVectors", "timestampNtz", "variantType", "catalogManaged", "geospatial"] }, md(), "/data/t"),
    );
    expect(e.code).toBe("DELTA_UNSUPPORTED_FEATURE");
    expect(e.message).toMatch(/\/data\/t.*: catalogManaged, geospatial\./);
    // column mapping is read and written
    checkReadSupported({ minReaderVersion: 2, minWriterVersion: 5 }, md({ "delta.columnMapping.mode": "name" }), "t");
    checkWriteSupported({ minReaderVersion: 2, minWriterVersion: 5 }, md({ "delta.columnMapping.mode": "name" }), "t");
    checkWriteSupported({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["columnMapping"], writerFeatures: ["columnMapping"] }, md({ "delta.columnMapping.mode": "id" }), "t");
  });

  it("refuses protocol versions that do not exist", async () => {
    expect((await errorOf(() => checkReadSupported({ minReaderVersion: 99, minWriterVersion: 7 }, md(), "t"))).code).toBe("DELTA_INVALID_PROTOCOL_VERSION");
    expect((await errorOf(() => checkReadSupported({ minReaderVersion: 1, minWriterVersion: 0 }, md(), "t"))).code).toBe("DELTA_INVALID_PROTOCOL_VERSION");
  });

  it("writes writer ≤ 2, writers 3-6 without constraints, generated or identity columns, and writer 7 with the features Sluice writes", async () => {
    checkWriteSupported({ minReaderVersion: 1, minWriterVersion: 2 }, md(), "t");
    checkWriteSupported({ minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ["appendOnly"] }, md(), "t");
    checkWriteSupported({ minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ["changeDataFeed"] }, md({ "delta.enableChangeDataFeed": "true" }), "t");
    checkWriteSupported({ minReaderVersion: 1, minWriterVersion: 4 }, md({ "delta.enableChangeDataFeed": "true" }), "t");
    const w4 = await errorOf(() => checkWriteSupported({ minReaderVersion: 1, minWriterVersion: 4 }, md({ "delta.constraints.pos": "a > 0" }), "t"));
    expect(w4.code).toBe("DELTA_UNSUPPORTED_FEATURE");
    expect(w4.message).toMatch(/: checkConstraints\./);
    const gen = '{"type":"struct","fields":[{"name":"a","type":"integer","nullable":true,"metadata":{"delta.generationExpression":"1"}}]}';
    expect((await errorOf(() => checkWriteSupported({ minReaderVersion: 1, minWriterVersion: 4 }, md({}, gen), "t"))).message).toMatch(/: generatedColumns\./);
    const w7 = await errorOf(() => checkWriteSupported({ minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ["domainMetadata"] }, md(), "t"));
    expect(w7.message).toMatch(/domainMetadata/);
    // deletion vectors are written; row tracking, identity columns in use and others are refused by name
    checkWriteSupported({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["deletionVectors"], writerFeatures: ["deletionVectors"] }, md(), "t");
    const rt = await errorOf(() =>
      checkWriteSupported({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["deletionVectors"], writerFeatures: ["deletionVectors", "rowTracking", "domainMetadata"] }, md(), "t"),
    );
    expect(rt.code).toBe("DELTA_UNSUPPORTED_FEATURE");
    expect(rt.message).toMatch(/Cannot write to Delta table t.*: rowTracking, domainMetadata\./);
    // listed but unused legacy features (delta-spark lists them at an explicit writer 5) are no obstacle; used ones are
    checkWriteSupported({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures: [], writerFeatures: ["checkConstraints", "generatedColumns", "identityColumns"] }, md(), "t");
    const identity = '{"type":"struct","fields":[{"name":"a","type":"long","nullable":true,"metadata":{"delta.identity.start":1}}]}';
    expect((await errorOf(() => checkWriteSupported({ minReaderVersion: 1, minWriterVersion: 6 }, md({}, identity), "t"))).message).toMatch(/: identityColumns\./);
    expect((await errorOf(() => checkWriteSupported({ minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ["checkConstraints"] }, md({ "delta.constraints.c": "a > 0" }), "t"))).message).toMatch(/: checkConstraints\./);
    const inv = '{"type":"struct","fields":[{"name":"a","type":"integer","nullable":true,"metadata":{"delta.invariants":"{\\"expression\\":{\\"expression\\":\\"a > 0\\"}}"}}]}';
    expect((await errorOf(() => checkWriteSupported({ minReaderVersion: 1, minWriterVersion: 2 }, md({}, inv), "t"))).message).toMatch(/invariants/);
  });

  it("creates tables with the protocol delta-spark 4 gives their features (feature-protocols.golden.json)", () => {
    const golden = JSON.parse(readFileSync(join(import.meta.dirname, "feature-protocols.golden.json"), "utf8")) as Record<string, Protocol>;
    expect(Object.keys(golden).length).toBe(8);
    const sorted = (p: Protocol): Protocol => ({
      ...p,
      ...(p.readerFeatures ? { readerFeatures: [...p.readerFeatures].sort() } : {}),
      ...(p.writerFeatures ? { writerFeatures: [...p.writerFeatures].sort() } : {}),
    });
    for (const [options, want] of Object.entries(golden)) {
      if ("error" in want) {
        // refused by delta-spark; Sluice's gate refuses writes to such a table by name
        expect(want).toEqual({ error: "DELTA_BLOCK_COLUMN_MAPPING_AND_CDC_OPERATION" });
        const configuration = JSON.parse(options) as Record<string, string>;
        const e = (() => {
          try {
            checkWriteSupported(protocolForNewTable(configuration), md(configuration), "t");
          } catch (x) {
            return x as Error;
          }
          return null;
        })();
        expect(e?.message, options).toMatch(/: changeDataFeed together with columnMapping\./);
        continue;
      }
      expect(sorted(protocolForNewTable(JSON.parse(options))), options).toEqual(want);
    }
    expect(protocolForNewTable({ "delta.columnMapping.mode": "none" })).toEqual({ minReaderVersion: 1, minWriterVersion: 2 });
  });
});
