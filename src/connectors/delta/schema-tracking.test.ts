import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nonAdditiveChanges } from "../../delta/stream-schema-check.js";
import { StructType } from "../../types/struct-type.js";
import { SchemaTracking, javaStringHash } from "./schema-tracking.js";
import { readSchemaLog } from "./schema-tracking-log.js";

const field = (name: string, type: string, physical: string) => ({ name, type, nullable: true, metadata: { "delta.columnMapping.physicalName": physical } });
const schema = (...fields: object[]) => StructType.fromJson(JSON.stringify({ type: "struct", fields }));

describe("schema tracking", () => {
  it("hashes the checkpoint path as Java's String.hashCode (the ckpt_ suffix delta-spark 4.0 printed for this path)", () => {
    expect(javaStringHash("file:/tmp/h35-st/ckpt/sources/0")).toBe(1676552536);
    expect(javaStringHash("")).toBe(0);
  });

  it("tells renames, drops and type changes apart by physical name", () => {
    const before = schema(field("id", "integer", "c1"), field("name", "string", "c2"), field("gone", "string", "c3"));
    const after = schema(field("id", "long", "c1"), field("label", "string", "c2"), field("added", "string", "c4"));
    expect(nonAdditiveChanges(before, after)).toEqual({ renamed: [["name", "label"]], dropped: ["gone"], widened: [["id", "int", "bigint"]] });
    expect(nonAdditiveChanges(before, before)).toEqual({ renamed: [], dropped: [], widened: [] });
  });

  it("refuses a log entry it cannot read, naming the log", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "sluice-schema-log-")), "_schema_log_t");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "0"), "v1\n{not json");
    expect(() => readSchemaLog(dir)).toThrow(expect.objectContaining({ code: "DELTA_STREAMING_SCHEMA_LOG_PARSE_SCHEMA_FAILED", context: { path: dir } }));
    writeFileSync(join(dir, "0"), "v2\n{}");
    expect(() => new SchemaTracking(dir, "chk/sources/0", {}, {})).toThrow(expect.objectContaining({ code: "DELTA_STREAMING_SCHEMA_LOG_DESERIALIZE_FAILED" }));
  });
});
