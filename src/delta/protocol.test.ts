import { describe, expect, it } from "vitest";
import type { Metadata } from "./actions.js";
import { checkReadSupported, checkWriteSupported } from "./protocol.js";
import { errorOf } from "./test-helpers.js";

const md = (configuration: Record<string, string> = {}, schemaString = '{"type":"struct","fields":[]}'): Metadata => ({
  id: "i",
  format: { provider: "parquet", options: {} },
  schemaString,
  partitionColumns: [],
  configuration,
});

describe("protocol gate", () => {
  it("reads reader 1, reader 2 (column mapping), reader 3 with vacuumProtocolCheck, deletionVectors, columnMapping, v2Checkpoint, typeWidening", () => {
    checkReadSupported({ minReaderVersion: 1, minWriterVersion: 2 }, md(), "t");
    checkReadSupported({ minReaderVersion: 2, minWriterVersion: 5 }, md({ "delta.columnMapping.mode": "none" }), "t");
    checkReadSupported({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["vacuumProtocolCheck"], writerFeatures: [] }, md(), "t");
    checkReadSupported({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["deletionVectors"], writerFeatures: ["deletionVectors"] }, md(), "t");
    checkReadSupported({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["v2Checkpoint", "columnMapping", "typeWidening"], writerFeatures: ["v2Checkpoint"] }, md(), "t");
  });

  it("refuses unsupported reader features naming each one and the table", async () => {
    const e = await errorOf(() =>
      checkReadSupported({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["deletionVectors", "timestampNtz", "variantType"] }, md(), "/data/t"),
    );
    expect(e.code).toBe("DELTA_UNSUPPORTED_FEATURE");
    expect(e.message).toMatch(/\/data\/t.*: timestampNtz, variantType\./);
    // column mapping is read, not written yet
    checkReadSupported({ minReaderVersion: 2, minWriterVersion: 5 }, md({ "delta.columnMapping.mode": "name" }), "t");
    const cm = await errorOf(() => checkWriteSupported({ minReaderVersion: 2, minWriterVersion: 5 }, md({ "delta.columnMapping.mode": "name" }), "t"));
    expect(cm.message).toMatch(/: columnMapping\./);
    const cm7 = await errorOf(() =>
      checkWriteSupported({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["columnMapping"], writerFeatures: ["columnMapping"] }, md({ "delta.columnMapping.mode": "id" }), "t"),
    );
    expect(cm7.message).toMatch(/: columnMapping\./);
  });

  it("refuses protocol versions that do not exist", async () => {
    expect((await errorOf(() => checkReadSupported({ minReaderVersion: 99, minWriterVersion: 7 }, md(), "t"))).code).toBe("DELTA_INVALID_PROTOCOL_VERSION");
    expect((await errorOf(() => checkReadSupported({ minReaderVersion: 1, minWriterVersion: 0 }, md(), "t"))).code).toBe("DELTA_INVALID_PROTOCOL_VERSION");
  });

  it("writes writer ≤ 2, writer 3/4 without constraints or generated columns, and writer 7 with appendOnly/invariants/changeDataFeed only", async () => {
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
    // Sluice reads deletion vectors but does not write them yet
    const dv = await errorOf(() =>
      checkWriteSupported({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["deletionVectors"], writerFeatures: ["deletionVectors"] }, md(), "t"),
    );
    expect(dv.message).toMatch(/Cannot write to Delta table t.*: deletionVectors\./);
    const inv = '{"type":"struct","fields":[{"name":"a","type":"integer","nullable":true,"metadata":{"delta.invariants":"{\\"expression\\":{\\"expression\\":\\"a > 0\\"}}"}}]}';
    expect((await errorOf(() => checkWriteSupported({ minReaderVersion: 1, minWriterVersion: 2 }, md({}, inv), "t"))).message).toMatch(/invariants/);
  });
});
