/**
 * The batch parity corpus (test/parity) replayed through a Spark Connect session with the same
 * loop (test/parity/support/run-cases.ts): datasets go as LocalRelations, files are read by the
 * server, step cases are translated to Connect plans and SQL cases are parsed by the server; rows
 * are compared with the PySpark golden files by the same rules. Step cases use their DataFrames
 * directly (fewer round trips); SQL cases read their inputs as temp views.
 * A case listed in test/connect/PARITY-FINDINGS.md is skipped with the finding recorded there.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, afterAll, describe, expect, it } from "vitest";
import { Session } from "../../src/index.js";
import type { RemoteSession } from "../../src/connect/remote-session.js";
import { loadCases, parseSkipList } from "../parity/support/cases.js";
import { parityCaseTests } from "../parity/support/run-cases.js";
import { sharedConnectServer } from "./support/connect-server.js";

let spark: RemoteSession;

beforeAll(async () => {
  spark = Session.builder().remote(await sharedConnectServer()).config("spark.sql.session.timeZone", "UTC").getOrCreate();
}, 240_000);
afterAll(async () => spark?.stop());

describe("batch parity through Spark Connect", { timeout: 120_000 }, () => {
  const cases = loadCases();
  it("has step and SQL cases to run", () => {
    expect(cases.filter((c) => c.steps !== undefined).length).toBeGreaterThan(100);
    expect(cases.filter((c) => c.sql !== undefined).length).toBeGreaterThan(100);
  });
  parityCaseTests(cases, {
    name: "the remote session",
    session: () => spark,
    savedConf: (k) => spark.conf.get(k),
    registerViews: (c) => c.sql !== undefined,
    skipped: parseSkipList(readFileSync(join(import.meta.dirname, "PARITY-FINDINGS.md"), "utf8")),
    skipLabel: "finding",
  });
});
