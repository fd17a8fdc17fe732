import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatDeltaHistory } from "../../src/cli/delta-history.js";
import { Session, SluiceError } from "../../src/index.js";

const spark = Session.builder().getOrCreate();
afterAll(() => spark.stop());

describe("sluice delta history", () => {
  it("prints commits newest first as a table or JSON; a non-table fails with DELTA_TABLE_NOT_FOUND", async () => {
    const p = join(mkdtempSync(join(tmpdir(), "sluice-hist-")), "t");
    const df = spark.createDataFrame([{ id: 1 }], "id BIGINT");
    await df.write.format("delta").save(p);
    await df.write.format("delta").mode("append").save(p);
    const text = await formatDeltaHistory(p);
    const lines = text.trim().split("\n");
    expect(lines[0]).toMatch(/^version\s+timestamp\s+operation\s+parameters\s+metrics$/);
    expect(lines[2]).toMatch(/^1\s+.*WRITE\s+mode=Append/);
    expect(lines[3]).toMatch(/^0\s+.*WRITE\s+mode=ErrorIfExists/);
    const json = JSON.parse(await formatDeltaHistory(p, { json: true, limit: 1 })) as { version: number; operationMetrics: Record<string, string> }[];
    expect(json).toHaveLength(1);
    expect(json[0]!.operationMetrics.numOutputRows).toBe("1");
    await expect(formatDeltaHistory(join(p, "nope"))).rejects.toSatisfy((e: unknown) => e instanceof SluiceError && e.code === "DELTA_TABLE_NOT_FOUND");
  });
});
