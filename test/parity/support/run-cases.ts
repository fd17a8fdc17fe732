/**
 * The parity case loop, shared by the embedded run (test/parity/parity.test.ts) and the Spark
 * Connect run (test/connect/parity-remote.test.ts). Per case:
 *   1. create its datasets with createDataFrame and read its files with read; register them as
 *      temp views where the target asks; apply its conf (restored afterwards);
 *   2. build the query from "sql" (spark.sql) or "steps" (build-query.ts) and collect;
 *   3. compare column names, types (DDL; with nullability when asked) and rows (compare.ts), or,
 *      for an error case, that a SluiceError with Spark's code was thrown.
 * A case in the target's skip list is skipped with the reason given there.
 */
import { expect, it } from "vitest";
import { type DataFrame, SluiceError, functions as F, toStructType } from "../../../src/index.js";
import type { DataFrameReader } from "../../../src/dataframe/dataframe-reader.js";
import type { StructType } from "../../../src/types/struct-type.js";
import { buildFromSteps } from "./build-query.js";
import { type ParityCase, filePath, loadDataset, loadExpected } from "./cases.js";
import { acceptedErrorCodes, compareRows, errorCodeMatches } from "./compare.js";
import { type Json, ddlOf, decodeValue, encodeValue, withoutNullability } from "./typed-json.js";

/** What a case needs of a session: the embedded Session and a remote one both have it. */
export interface ParitySession {
  createDataFrame(rows: readonly (readonly unknown[])[], schema: StructType): DataFrame;
  readonly read: DataFrameReader;
  sql(text: string): DataFrame;
  readonly conf: { set(key: string, value: string): void; unset(key: string): void };
  readonly catalog: { dropTempView(name: string): boolean };
}

export interface ParityTarget {
  /** Who answered, in failure messages ("Sluice", "the remote session"). */
  readonly name: string;
  /** The session; called when a case runs (a remote one is made in beforeAll). */
  session(): ParitySession;
  /** The value of `key` a case's conf must restore (undefined: unset it). */
  savedConf(key: string): string | undefined;
  /** Whether a case's inputs are registered as temp views (SQL cases need them). */
  registerViews(c: ParityCase): boolean;
  /** Case id → why it is skipped, and how the reason is labelled in the test name. */
  readonly skipped: ReadonlyMap<string, string>;
  readonly skipLabel: string;
  readonly checkNullability?: boolean;
}

function inputs(spark: ParitySession, c: ParityCase, views: boolean): Map<string, DataFrame> {
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
  if (views) for (const [name, df] of frames) df.createOrReplaceTempView(name);
  return frames;
}

interface Outcome {
  readonly df?: DataFrame;
  readonly rows?: Record<string, unknown>[];
  readonly error?: unknown;
}

async function run(target: ParityTarget, c: ParityCase): Promise<Outcome> {
  const spark = target.session();
  const saved = new Map(Object.keys(c.conf ?? {}).map((k) => [k, target.savedConf(k)]));
  for (const [k, v] of Object.entries(c.conf ?? {})) spark.conf.set(k, v);
  const views = target.registerViews(c);
  let frames = new Map<string, DataFrame>();
  try {
    frames = inputs(spark, c, views);
    const df = c.sql !== undefined ? spark.sql(c.sql) : buildFromSteps({ expr: F.expr }, c, frames);
    return { df, rows: await df.collect() };
  } catch (error) {
    return { error };
  } finally {
    for (const [k, v] of saved) v === undefined ? spark.conf.unset(k) : spark.conf.set(k, v);
    if (views) for (const name of frames.keys()) spark.catalog.dropTempView(name);
  }
}

const describeError = (e: unknown): string =>
  e instanceof SluiceError ? `SluiceError ${e.code}: ${e.message}` : e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ""}` : String(e);

/** One test per case (inside the caller's describe). */
export function parityCaseTests(cases: readonly ParityCase[], target: ParityTarget): void {
  for (const c of cases) {
    const reason = target.skipped.get(c.id);
    if (reason !== undefined) {
      it.skip(`${c.id} (${target.skipLabel}: ${reason})`, () => {});
      continue;
    }
    it(c.id, async () => {
      const expected = loadExpected(c.id);
      if (!expected) throw new Error(`no expected file for ${c.id}; run scripts/oracle/gen_parity.py`);
      const out = await run(target, c);
      if ("error" in expected) {
        if (out.error === undefined) throw new Error(`PySpark raised ${expected.error} but ${target.name} returned ${out.rows?.length ?? 0} rows`);
        if (!(out.error instanceof SluiceError) || !errorCodeMatches(expected.errorChain, out.error.code)) {
          const codes = [...acceptedErrorCodes(expected.errorChain)].join(" or ");
          throw new Error(`expected a SluiceError with code ${codes}, got ${describeError(out.error)}`);
        }
        return;
      }
      if (out.error !== undefined) throw new Error(`PySpark answered but ${target.name} threw ${describeError(out.error)}`);
      const df = out.df!;
      expect(df.columns, "column names").toEqual(expected.columns);
      const schema = df.schema;
      if (target.checkNullability) expect(ddlOf(schema), "schema").toBe(expected.schema);
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
}
