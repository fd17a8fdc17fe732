import { describe, expect, it } from "vitest";
import { SluiceError } from "../common/errors.js";
import { action, parseCommit, serializeAction, serializeCommit } from "./actions.js";

const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return e instanceof SluiceError ? `${e.code}: ${e.message}` : String(e);
  }
  return "no error";
};

describe("Delta actions", () => {
  it("parses every action kind and ignores unknown actions and fields", () => {
    const text = [
      '{"commitInfo":{"timestamp":1,"operation":"WRITE","operationParameters":{"mode":"Append"}}}',
      '{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}',
      '{"metaData":{"id":"x","format":{"provider":"parquet","options":{}},"schemaString":"{}","partitionColumns":["p"],"configuration":{"a":"1"},"createdTime":5}}',
      '{"add":{"path":"p=1/f.parquet","partitionValues":{"p":"1"},"size":10,"modificationTime":2,"dataChange":true,"stats":"{\\"numRecords\\":3}","extra":1}}',
      '{"remove":{"path":"g.parquet","deletionTimestamp":3,"dataChange":true}}',
      '{"txn":{"appId":"q","version":7,"lastUpdated":4}}',
      '{"cdc":{"path":"c","partitionValues":{},"size":1,"dataChange":false}}',
      '{"domainMetadata":{"domain":"d","configuration":"{}","removed":false}}',
      '{"someFutureAction":{"x":1}}',
      "",
    ].join("\n");
    const actions = parseCommit(text, "00.json");
    expect(actions.map((a) => a.kind)).toEqual(["commitInfo", "protocol", "metaData", "add", "remove", "txn", "cdc", "domainMetadata"]);
    const add = actions[3]!;
    expect(add.kind === "add" && add.value.partitionValues).toEqual({ p: "1" });
    expect(add.kind === "add" && add.value.stats).toBe('{"numRecords":3}');
  });

  it("names the file and line of malformed JSON", () => {
    expect(code(() => parseCommit('{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}\n{oops', "/t/_delta_log/01.json"))).toMatch(
      /^DELTA_INVALID_LOG_ENTRY: .*\/t\/_delta_log\/01\.json line 2 is not valid JSON/,
    );
  });

  it("names the action and field of a bad value", () => {
    expect(code(() => parseCommit('{"add":{"path":"a","partitionValues":{},"size":"big","modificationTime":1,"dataChange":true}}', "f.json"))).toMatch(
      /f\.json line 1 has "add\.size" = "big"; expected a number/,
    );
    expect(code(() => parseCommit('{"metaData":{"id":"x","format":{}}}', "f.json"))).toMatch(/"metaData\.schemaString" missing/);
    expect(code(() => parseCommit("[1]", "f.json"))).toMatch(/line 1 is not a JSON object/);
    expect(code(() => parseCommit('{"add":{"path":"a","partitionValues":{"p":1},"size":1,"modificationTime":1,"dataChange":true}}', "f.json"))).toMatch(
      /partitionValues/,
    );
  });

  it("serialises one action per line, partition values as strings with JSON null, stats as a string", () => {
    const text = serializeCommit([
      action("add", { path: "a b.parquet", partitionValues: { p: "1", q: null }, size: 5, modificationTime: 9, dataChange: true, stats: '{"numRecords":1}', tags: null }),
      action("txn", { appId: "q", version: 3 }),
    ]);
    expect(text).toBe(
      '{"add":{"path":"a b.parquet","partitionValues":{"p":"1","q":null},"size":5,"modificationTime":9,"dataChange":true,"stats":"{\\"numRecords\\":1}"}}\n' +
        '{"txn":{"appId":"q","version":3}}\n',
    );
    expect(parseCommit(text, "x").length).toBe(2);
  });

  it("writes an add's deletion vector", () => {
    const dv = { storageType: "u", pathOrInlineDv: "abc", sizeInBytes: 1, cardinality: 1 };
    const line = serializeAction(action("add", { path: "a", partitionValues: {}, size: 1, modificationTime: 1, dataChange: true, deletionVector: dv }));
    expect(JSON.parse(line).add.deletionVector).toEqual(dv);
  });
});
