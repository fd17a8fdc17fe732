import { describe, expect, it } from "vitest";
import { fileSystemFor } from "./file-systems.js";
import { joinPath, parentPath, pathName, qualifyPath } from "./path.js";

describe("fileSystemFor", () => {
  it("refuses an unknown scheme, naming it and the supported ones", () => {
    expect(() => fileSystemFor("gs://bucket/x")).toThrow(/scheme "gs".*file, s3, s3a, abfss, abfs, wasbs, wasb/);
  });

  it("refuses fs.s3a keys it does not implement, all at once", () => {
    expect(() => fileSystemFor("s3a://b/x", { "fs.s3a.fast.upload": "true", "spark.hadoop.fs.s3a.acl.default": "Private" })).toThrow(/fs\.s3a\.fast\.upload, fs\.s3a\.acl\.default/);
  });

  it("refuses a path-style flag that is not a boolean, and half a key pair", () => {
    expect(() => fileSystemFor("s3a://b/x", { "fs.s3a.path.style.access": "yes" })).toThrow(/fs\.s3a\.path\.style\.access must be true or false/);
    expect(() => fileSystemFor("s3a://b/x", { "fs.s3a.access.key": "AKIA" })).toThrow(/must be set together/);
  });

  it("names the missing Azure credentials without echoing any setting", () => {
    const saved = { ...process.env };
    delete process.env.AZURE_STORAGE_CONNECTION_STRING;
    delete process.env.AZURE_STORAGE_KEY;
    delete process.env.AZURE_STORAGE_SAS_TOKEN;
    try {
      expect(() => fileSystemFor("abfss://c@acct.dfs.core.windows.net/x")).toThrow(/No credentials for Azure account acct: set fs\.azure\.account\.key\.acct\.dfs\.core\.windows\.net/);
    } finally {
      Object.assign(process.env, saved);
    }
  });

  it("refuses an abfss authority without container@account", () => {
    expect(() => fileSystemFor("abfss://acct.dfs.core.windows.net/x", { "fs.azure.connection.string": "x" })).toThrow(/container@account\.dfs\.core\.windows\.net/);
  });
});

describe("paths", () => {
  it("join, parent and name keep a URI's scheme and authority", () => {
    expect(joinPath("s3a://b/x/", "y", "z.json")).toBe("s3a://b/x/y/z.json");
    expect(parentPath("s3a://b/x/y")).toBe("s3a://b/x");
    expect(parentPath("s3a://b/x")).toBe("s3a://b/");
    expect(pathName("abfss://c@a.dfs.core.windows.net/t/_delta_log/")).toBe("_delta_log");
    expect(qualifyPath("s3://b/x/")).toBe("s3://b/x");
    expect(qualifyPath("file:///tmp/a")).toBe("/tmp/a");
  });
});
