/**
 * Batch parity with PySpark 4: every case in test/parity/cases runs through Sluice's public API
 * and must give what real PySpark gave (test/parity/expected, written by
 * scripts/oracle/gen_parity.py). Per case:
 *   1. create its datasets with spark.createDataFrame and read its files with spark.read; register
 *      all of them as temp views; apply its conf (restored afterwards);
 *   2. build the query from "sql" (spark.sql) or "steps" (support/build-query.ts) and collect;
 *   3. compare column names, types (DDL; nullability too when SLUICE_PARITY_NULLABILITY=1) and rows
 *      (support/compare.ts), or, for an error case, that a SluiceError with Spark's code was thrown.
 * Cases listed in DIFFERENCES.md are skipped with the reason given there.
 */
import { describe, expect, it } from "vitest";
import { type DataFrame, Session, SluiceError, functions as F, toStructType } from "../../src/index.js";
import { buildFromSteps } from "./support/build-query.js";
import { type ParityCase, filePath, loadCases, loadDataset, loadExpected, loadSkipList } from "./support/cases.js";
import { acceptedErrorCodes, compareRows, errorCodeMatches } from "./support/compare.js";
import { type Json, ddlOf, decodeValue, encodeValue, withoutNullability } from "./support/typed-json.js";

const checkNullability = process.env.SLUICE_PARITY_NULLABILITY === "1";
const spark = Session.builder().appName("parity").config("spark.sql.session.timeZone", "UTC").getOrCreate();

function inputs(c: ParityCase): Map<string, DataFrame> {
  const frames = new Map<string, DataFrame>();
  for (const name of c.tables ?? []) {
    const data = loadDataset(name);
    const schema = toStructType(data.schema);
    const rows = data.rows.map((r) => {
      if (r.length !== schema.fields.length) throw new Error(`dataset ${name}: row ${JSON.stringify(r)} has ${r.length} values`);
      return schema.fields.map((f, i) => decodeValue(f.type, r[i]!));
    });
    frames.set(name, spark.createDataFrame(rows, schema));
  }
  for (const [name, spec] of Object.entries(c.files ?? {})) {
    let reader = spark.read.format(spec.format).options({ ...spec.options });
    if (spec.schema !== undefined) reader = reader.schema(spec.schema);
    frames.set(name, reader.load(filePath(spec.path)));
  }
  for (const [name, df] of frames) df.createOrReplaceTempView(name);
  return frames;
}

interface Outcome {
  readonly df?: DataFrame;
  readonly rows?: Record<string, unknown>[];
  readonly error?: unknown;
}

async function run(c: ParityCase): Promise<Outcome> {
  const saved = new Map(Object.keys(c.conf ?? {}).map((k) => [k, spark.conf.getAll()[k]]));
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
    for (const name of frames.keys()) spark.catalog.dropTempView(name);
  }
}

const describeError = (e: unknown): string =>
  e instanceof SluiceError ? `SluiceError ${e.code}: ${e.message}` : e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ""}` : String(e);

const cases = loadCases();
const skipped = loadSkipList();

describe("batch parity with PySpark", () => {
  for (const c of cases) {
    const reason = skipped.get(c.id);
    if (reason !== undefined) {
      it.skip(`${c.id} (differs deliberately: ${reason})`, () => {});
      continue;
    }
    it(c.id, async () => {
      const expected = loadExpected(c.id);
      if (!expected) throw new Error(`no expected file for ${c.id}; run scripts/oracle/gen_parity.py`);
      const out = await run(c);
      if ("error" in expected) {
        if (out.error === undefined) throw new Error(`PySpark raised ${expected.error} but Sluice returned ${out.rows?.length ?? 0} rows`);
        if (!(out.error instanceof SluiceError) || !errorCodeMatches(expected.errorChain, out.error.code)) {
          const codes = [...acceptedErrorCodes(expected.errorChain)].join(" or ");
          throw new Error(`expected a SluiceError with code ${codes}, got ${describeError(out.error)}`);
        }
        return;
      }
      if (out.error !== undefined) throw new Error(`PySpark answered but Sluice threw ${describeError(out.error)}`);
      const df = out.df!;
      expect(df.columns, "column names").toEqual(expected.columns);
      const schema = df.schema;
      if (checkNullability) expect(ddlOf(schema), "schema").toBe(expected.schema);
      else expect(ddlOf(schema, false), "schema (types)").toBe(withoutNullability(expected.schema));
      const types = schema.fields.map((f) => f.type);
      const actual: Json[][] = out.rows!.map((r) => schema.fields.map((f) => encodeValue(f.type, r[f.name])));
      const verdict = compareRows(types, expected.rows, actual, c.ordered === true);
      if (!verdict.ok) {
        const i = verdict.firstMismatch!;
        expect(verdict.actual, `rows (${c.ordered ? "ordered" : "as multisets"}; first difference at row ${i})`).toEqual(verdict.expected);
        throw new Error(`row ${i} differs: expected ${JSON.stringify(verdict.expected[i])}, got ${JSON.stringify(verdict.actual[i])}`);
      }
    });
  }
});
