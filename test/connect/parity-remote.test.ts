/**
 * The batch parity corpus (test/parity) replayed through a Spark Connect session: each case's
 * datasets are created with createDataFrame (sent as LocalRelations), its files read by the
 * server, its query built with the same steps as test/parity (support/build-query.ts) and
 * translated to Connect plans, and the rows compared with the PySpark golden files by the same
 * rules. Cases built from "steps" run by default (they exercise the plan and expression
 * translation); SLUICE_CONNECT_PARITY=all adds the SQL-text cases, which the server parses itself.
 * A case listed in test/connect/PARITY-FINDINGS.md is skipped with the finding recorded there.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DataFrame, Session, SluiceError, functions as F, toStructType } from "../../src/index.js";
import type { RemoteSession } from "../../src/connect/remote-session.js";
import { buildFromSteps } from "../parity/support/build-query.js";
import { type ParityCase, filePath, loadCases, loadDataset, loadExpected, parseSkipList } from "../parity/support/cases.js";
import { acceptedErrorCodes, compareRows, errorCodeMatches } from "../parity/support/compare.js";
import { type Json, ddlOf, decodeValue, encodeValue, withoutNullability } from "../parity/support/typed-json.js";
import { sharedConnectServer } from "./support/connect-server.js";

const all = process.env.SLUICE_CONNECT_PARITY === "all";
const findings = parseSkipList(readFileSync(join(import.meta.dirname, "PARITY-FINDINGS.md"), "utf8"));
let spark: RemoteSession;

beforeAll(async () => {
  spark = Session.builder().remote(await sharedConnectServer()).config("spark.sql.session.timeZone", "UTC").getOrCreate();
}, 240_000);
afterAll(async () => spark?.stop());

function inputs(c: ParityCase): Map<string, DataFrame> {
  const frames = new Map<string, DataFrame>();
  for (const name of c.tables ?? []) {
    const data = loadDataset(name);
    const schema = toStructType(data.schema);
    frames.set(name, spark.createDataFrame(data.rows.map((r) => schema.fields.map((f, i) => decodeValue(f.type, r[i]!))), schema));
  }
  for (const [name, spec] of Object.entries(c.files ?? {})) {
    let reader = spark.read.format(spec.format).options({ ...spec.options });
    if (spec.schema !== undefined) reader = reader.schema(spec.schema);
    frames.set(name, reader.load(filePath(spec.path)));
  }
  // SQL cases read the inputs as views; step cases use the DataFrames themselves (two round trips fewer per input).
  if (c.sql !== undefined) for (const [name, df] of frames) df.createOrReplaceTempView(name);
  return frames;
}

async function run(c: ParityCase): Promise<{ df?: DataFrame; rows?: Record<string, unknown>[]; error?: unknown }> {
  const saved = new Map(Object.keys(c.conf ?? {}).map((k) => [k, spark.conf.get(k)]));
  for (const [k, v] of Object.entries(c.conf ?? {})) spark.conf.set(k, v);
  let frames = new Map<string, DataFrame>();
  try {
    frames = inputs(c);
    const df = c.sql !== undefined ? spark.sql(c.sql) : buildFromSteps({ expr: F.expr }, c, frames);
    return { df, rows: await df.collect() };
  } catch (error) {
    return { error };
  } finally {
    for (const [k, v] of saved) v === undefined ? spark.conf.unset(k) : spark.conf.set(k, v);
    if (c.sql !== undefined) for (const name of frames.keys()) spark.sql(`DROP VIEW IF EXISTS ${name}`);
  }
}

const describeError = (e: unknown): string => (e instanceof SluiceError ? `SluiceError ${e.code}: ${e.message}` : e instanceof Error ? `${e.name}: ${e.message}` : String(e));

describe("batch parity through Spark Connect", { timeout: 120_000 }, () => {
  const cases = loadCases().filter((c) => all || c.steps !== undefined);
  it("has cases to run", () => expect(cases.length).toBeGreaterThan(100));
  for (const c of cases) {
    const finding = findings.get(c.id);
    if (finding !== undefined) {
      it.skip(`${c.id} (finding: ${finding})`, () => {});
      continue;
    }
    it(c.id, async () => {
      const expected = loadExpected(c.id);
      if (!expected) throw new Error(`no expected file for ${c.id}`);
      const out = await run(c);
      if ("error" in expected) {
        if (out.error === undefined) throw new Error(`PySpark raised ${expected.error} but the remote session returned ${out.rows?.length ?? 0} rows`);
        if (!(out.error instanceof SluiceError) || !errorCodeMatches(expected.errorChain, out.error.code)) {
          throw new Error(`expected a SluiceError with code ${[...acceptedErrorCodes(expected.errorChain)].join(" or ")}, got ${describeError(out.error)}`);
        }
        return;
      }
      if (out.error !== undefined) throw new Error(`PySpark answered but the remote session threw ${describeError(out.error)}`);
      const df = out.df!;
      expect(df.columns, "column names").toEqual(expected.columns);
      expect(ddlOf(df.schema, false), "schema (types)").toBe(withoutNullability(expected.schema));
      const types = df.schema.fields.map((f) => f.type);
      const actual: Json[][] = out.rows!.map((r) => df.schema.fields.map((f) => encodeValue(f.type, r[f.name])));
      const verdict = compareRows(types, expected.rows, actual, c.ordered === true);
      if (!verdict.ok) expect(verdict.actual, `rows (first difference at row ${verdict.firstMismatch})`).toEqual(verdict.expected);
    });
  }
});
