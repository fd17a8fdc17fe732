import { describe, expect, it } from "vitest";
import { type DeltaOptionUse, checkDeltaOptions, parseDeltaWriteOptions } from "./delta-options.js";

const check = (use: DeltaOptionUse, options: Record<string, string>) => () => checkDeltaOptions(options, use);
const unsupportedOption = (key: string, why: string) =>
  expect.objectContaining({ kind: "unsupported", code: "DELTA_UNSUPPORTED_OPTION", context: expect.objectContaining({ option: key }), message: expect.stringContaining(why) });

describe("checkDeltaOptions: options Sluice implements pass", () => {
  it.each<[DeltaOptionUse, Record<string, string>]>([
    ["batch read", { path: "/t", versionAsOf: "3" }],
    ["batch read", { TIMESTAMPASOF: "2024-01-01" }],
    ["streaming read", { maxFilesPerTrigger: "5", maxBytesPerTrigger: "1m", startingVersion: "2", ignoreDeletes: "true", ignoreChanges: "false", skipChangeCommits: "true", failOnDataLoss: "true" }],
    ["streaming read", { startingTimestamp: "2024-01-01" }],
    ["batch read", { readChangeFeed: "true", startingVersion: "1", endingVersion: "3" }],
    ["batch read", { readChangeData: "true", startingTimestamp: "2024-01-01", endingTimestamp: "2024-02-01" }],
    ["batch write", { mergeSchema: "true", overwriteSchema: "true", txnAppId: "job", txnVersion: "7", partitionOverwriteMode: "STATIC", dataChange: "true" }],
    ["batch write", { compression: "snappy", optimizeWrite: "false", writePartitionColumns: "false" }],
    ["streaming write", { checkpointLocation: "/c", path: "/t", mergeSchema: "false" }],
  ])("%s %j", (use, options) => {
    expect(check(use, options)).not.toThrow();
  });
});

describe("checkDeltaOptions: options Sluice does not implement are errors, never no-ops", () => {
  it.each<[DeltaOptionUse, string, string, string]>([
    // a change data feed stream has no end
    ["streaming read", "endingVersion", "3", "change data feed; a stream reads on"],
    ["batch write", "readChangeFeed", "true", "reads of the change data feed"],
    // streaming-only options on a batch read, time travel on a stream
    ["batch read", "maxFilesPerTrigger", "1", "streaming reads"],
    ["batch read", "maxBytesPerTrigger", "1m", "streaming reads"],
    ["batch read", "ignoreDeletes", "true", "streaming reads"],
    ["batch read", "skipChangeCommits", "true", "streaming reads"],
    ["streaming read", "versionAsOf", "1", "startingVersion"],
    ["streaming read", "timestampAsOf", "2024-01-01", "startingTimestamp"],
    // streaming read options Sluice lacks
    ["batch read", "ignoreChanges", "true", "streaming reads"],
    ["streaming read", "ignoreFileDeletion", "true", "ignoreDeletes"],
    ["streaming read", "failOnDataLoss", "false", "always fails"],
    ["streaming read", "excludeRegex", "x.*", "filtering files"],
    ["batch read", "schemaTrackingLocation", "/s", "streaming reads"],
    ["streaming read", "streamingSourceTrackingId", "a", "its own schemaTrackingLocation"],
    ["batch read", "allowSourceColumnRename", "always", "streaming reads"],
    // write options on reads, read/engine options on writes
    ["batch read", "mergeSchema", "true", "writes only"],
    ["streaming read", "overwriteSchema", "true", "batch overwrites"],
    ["batch read", "checkpointLocation", "/c", "streaming write"],
    ["batch write", "queryName", "q", "writeStream.queryName"],
    ["streaming write", "queryName", "q", "writeStream.queryName"],
    ["streaming write", "overwriteSchema", "true", "batch overwrites"],
    ["streaming write", "txnAppId", "a", "idempotent per batch"],
    ["streaming write", "txnVersion", "1", "idempotent per batch"],
    ["streaming write", "partitionOverwriteMode", "static", "whole table"],
    ["batch write", "versionAsOf", "1", "time travel"],
    // write options Sluice lacks
    ["batch write", "replaceWhere", "id > 1", "selective overwrite"],
    ["batch write", "replaceOn", "t.id = s.id", "selective overwrite"],
    ["batch write", "replaceUsing", "id", "selective overwrite"],
    ["batch write", "targetAlias", "t", "selective overwrite"],
    ["batch write", "useNullIntolerantEqualityWithDPO", "true", "selective overwrite"],
    ["batch write", "partitionOverwriteMode", "dynamic", "dynamic partition overwrite"],
    ["batch read", "userMetadata", "note", "writes only"],
    ["batch write", "dataChange", "false", "rearrange-only"],
    ["streaming write", "optimizeWrite", "true", "optimized writes"],
    ["batch write", "compression", "gzip", "snappy"],
    ["batch write", "maxRecordsPerFile", "100", "rows per file"],
    ["batch write", "writePartitionColumns", "true", "never written"],
  ])("%s: %s=%s", (use, key, value, why) => {
    expect(check(use, { [key]: value })).toThrow(unsupportedOption(key, why));
  });

  it("matches keys case-insensitively and names the key as the user wrote it", () => {
    expect(check("streaming read", { ENDINGVERSION: "3" })).toThrow(unsupportedOption("ENDINGVERSION", "ENDINGVERSION"));
  });
});

describe("checkDeltaOptions: unknown keys", () => {
  it("are INVALID_OPTION with the nearest Delta option", () => {
    expect(check("batch write", { mergSchema: "true" })).toThrow(
      expect.objectContaining({ kind: "config", code: "INVALID_OPTION", message: expect.stringContaining("mergSchema (not a Delta option; did you mean mergeSchema?)") }),
    );
    expect(check("streaming read", { maxFilesPerTriger: "1" })).toThrow(expect.objectContaining({ message: expect.stringContaining("did you mean maxFilesPerTrigger?") }));
  });

  it("get no suggestion when nothing is close", () => {
    const e = (() => {
      try {
        checkDeltaOptions({ header: "true" }, "batch read");
      } catch (err) {
        return err as Error;
      }
      return null;
    })();
    expect(e).toMatchObject({ code: "INVALID_OPTION", message: expect.stringContaining("header (not a Delta option)") });
    expect(e?.message).not.toContain("did you mean");
  });

  it("are reported together with unsupported keys in one error", () => {
    expect(check("streaming read", { endingVersion: "3", bogusKey: "1", versionAsOf: "2" })).toThrow(
      expect.objectContaining({ code: "INVALID_OPTION", context: expect.objectContaining({ options: "endingVersion, bogusKey, versionAsOf" }) }),
    );
  });
});

describe("parseDeltaWriteOptions", () => {
  it("parses mergeSchema, overwriteSchema and an idempotent txn", () => {
    expect(parseDeltaWriteOptions({ MergeSchema: " TRUE ", txnAppId: "job-1", txnVersion: "4" }, "batch write")).toEqual({
      mergeSchema: true,
      overwriteSchema: false,
      txn: { appId: "job-1", version: 4 },
    });
    expect(parseDeltaWriteOptions({}, "streaming write")).toEqual({ mergeSchema: false, overwriteSchema: false });
    expect(parseDeltaWriteOptions({ userMetadata: " run 42 " }, "streaming write")).toEqual({ mergeSchema: false, overwriteSchema: false, userMetadata: " run 42 " });
  });

  it.each<[Record<string, string>, string]>([
    [{ mergeSchema: "yes" }, "mergeSchema=yes (must be 'true' or 'false')"],
    [{ overwriteSchema: "1" }, "overwriteSchema=1 (must be 'true' or 'false')"],
    [{ txnAppId: "a" }, "both must be given"],
    [{ txnVersion: "1" }, "both must be given"],
    [{ txnAppId: "a", txnVersion: "-1" }, "txnVersion=-1 (must be a non-negative integer)"],
    [{ txnAppId: "", txnVersion: "1" }, "txnAppId (must not be empty)"],
  ])("refuses %j", (options, why) => {
    expect(() => parseDeltaWriteOptions(options, "batch write")).toThrow(expect.objectContaining({ code: "INVALID_OPTION", message: expect.stringContaining(why) }));
  });

  it("checks the keys first", () => {
    expect(() => parseDeltaWriteOptions({ replaceWhere: "x > 1" }, "batch write")).toThrow(unsupportedOption("replaceWhere", "selective overwrite"));
  });
});
