/**
 * VARIANT as a user meets it (issue 12): rows present a VariantVal (Spark's value and metadata
 * bytes), the DataFrame functions, createDataFrame with VARIANT columns, show(), schema names and
 * the refusals. Spark's answers for the SQL forms are the parity cases in test/parity/cases/variant.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { functions as F, Session, variantToJson, VariantVal } from "../../src/index.js";
import { dataTypeFromJson, dataTypeToJson, parseDDLSchema, simpleString, sqlTypeName, VariantType } from "../../src/types/index.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const bytes = (...xs: (number | string)[]) => new Uint8Array(xs.flatMap((x) => (typeof x === "string" ? [...Buffer.from(x)] : [x])));

describe("VARIANT values", () => {
  it("type names: DDL VARIANT, simpleString/JSON variant", () => {
    expect(parseDDLSchema("v VARIANT").map((f) => f.type)).toEqual([VariantType]);
    expect([simpleString(VariantType), sqlTypeName(VariantType), dataTypeToJson(VariantType)]).toEqual(["variant", "VARIANT", "variant"]);
    expect(dataTypeFromJson("variant")).toEqual(VariantType);
  });

  it("collect gives a VariantVal with Spark's bytes; a path's sub-variant keeps only its own keys (as PySpark 4.0.1 shows)", async () => {
    const [r] = await spark.sql(`SELECT parse_json('{"a":1,"b":[true,null]}') AS v, variant_get(parse_json('{"a":{"b":1}}'), '$.a') AS sub`).collect();
    const v = r!.v as VariantVal;
    expect(v).toBeInstanceOf(VariantVal);
    expect(v.value).toEqual(bytes(0x02, 0x02, 0x00, 0x01, 0x00, 0x02, 0x09, 0x0c, 0x01, 0x03, 0x02, 0x00, 0x01, 0x02, 0x04, 0x00));
    expect(v.metadata).toEqual(bytes(0x01, 0x02, 0x00, 0x01, 0x02, "ab"));
    const sub = r!.sub as VariantVal;
    expect([sub.value, sub.metadata]).toEqual([bytes(0x02, 0x01, 0x00, 0x00, 0x02, 0x0c, 0x01), bytes(0x01, 0x01, 0x00, 0x01, "b")]);
    expect(variantToJson(v)).toBe('{"a":1,"b":[true,null]}');
  });

  it("createDataFrame takes VariantVals back, and the DataFrame functions work on them", async () => {
    const [src] = await spark.sql(`SELECT parse_json('{"user":{"id":12345678901234567890,"tags":["a","b"]},"ts":"2024-01-02 03:04:05"}') AS v`).collect();
    const df = spark.createDataFrame([{ id: 1, v: src!.v }, { id: 2, v: null }], "id INT, v VARIANT");
    const rows = await df
      .select(
        F.col("id"),
        F.variant_get("v", "$.user.id", "decimal(20,0)").alias("uid"),
        F.try_variant_get("v", "$.user.tags[1]", "int").alias("bad"),
        F.variant_get("v", "$.user.tags[1]", "string").alias("tag"),
        F.variant_get("v", "$.ts", "timestamp").alias("ts"),
        F.schema_of_variant("v").alias("schema"),
        F.to_json(F.variant_get("v", "$.user")).alias("user"),
        F.is_variant_null("v").alias("isnull"),
      )
      .collect();
    rows.sort((a, b) => (a.id as number) - (b.id as number));
    expect(rows).toEqual([
      { id: 1, uid: "12345678901234567890", bad: null, tag: "b", ts: new Date("2024-01-02T03:04:05Z"), schema: "OBJECT<ts: STRING, user: OBJECT<id: DECIMAL(20,0), tags: ARRAY<STRING>>>", user: '{"id":12345678901234567890,"tags":["a","b"]}', isnull: false },
      { id: 2, uid: null, bad: null, tag: null, ts: null, schema: null, user: null, isnull: false },
    ]);
    expect(() => spark.createDataFrame([{ v: '{"a":1}' }], "v VARIANT")).toThrow(expect.objectContaining({ code: "INVALID_ROW_VALUE" }));
  });

  it("parse_json of a column: malformed text fails the query with MALFORMED_RECORD_IN_PARSING naming the cause; try_parse_json gives null", async () => {
    const df = spark.createDataFrame([{ j: '{"a":1}' }, { j: '{"a":1,"a":2}' }], "j STRING");
    const err = await df.select(F.parse_json("j")).collect().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "MALFORMED_RECORD_IN_PARSING", context: { cause: "VARIANT_DUPLICATE_KEY" } });
    expect((await df.select(F.to_json(F.try_parse_json("j")).alias("t")).collect()).map((r) => r.t)).toEqual(['{"a":1}', null]);
  });

  it("show() prints the JSON text, as Spark's show does", async () => {
    const text = await spark.sql(`SELECT parse_json('{"a":1,"b":[true,null]}') AS v, parse_json('"s"') AS w`).showString(20, false);
    expect(text.split("\n")).toContain('|{"a":1,"b":[true,null]}|"s"|');
  });

  it("Parquet and Delta written by Sluice read back with the same bytes; a new Delta table lists variantType", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sluice-variant-"));
    try {
      const df = spark.sql(`SELECT id, parse_json(j) AS v FROM VALUES (1, '{"a":[1,2.50,"x"]}'), (2, NULL), (3, 'null') AS t(id, j)`);
      const want = (await df.collect()).sort((a, b) => (a.id as number) - (b.id as number));
      await df.write.parquet(join(dir, "p"));
      await df.write.format("delta").save(join(dir, "d"));
      for (const back of [spark.read.parquet(join(dir, "p")), spark.read.format("delta").load(join(dir, "d"))]) {
        expect(back.schema.fields.map((f) => f.type.kind)).toEqual(["int", "variant"]);
        expect((await back.collect()).sort((a, b) => (a.id as number) - (b.id as number))).toEqual(want);
      }
      const log = readFileSync(join(dir, "d", "_delta_log", "00000000000000000000.json"), "utf8");
      expect(JSON.parse(log.split("\n").find((l) => l.includes('"protocol"'))!).protocol).toEqual({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["variantType"], writerFeatures: ["invariants", "appendOnly", "variantType"] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("schema_of_variant_agg merges a group's schemas", async () => {
    const rows = await spark.sql(`SELECT k, schema_of_variant_agg(parse_json(j)) AS s FROM VALUES (1, '{"a":1}'), (1, '{"a":1.5,"b":"x"}'), (2, NULL), (2, '[1]'), (2, '["y"]') AS t(k, j) GROUP BY k`).collect();
    expect(rows.sort((a, b) => (a.k as number) - (b.k as number))).toEqual([{ k: 1, s: "OBJECT<a: DECIMAL(21,1), b: STRING>" }, { k: 2, s: "ARRAY<VARIANT>" }]);
  });

  it("VARIANT cannot be grouped, sorted, compared or deduplicated (Spark's analysis errors)", async () => {
    const df = spark.sql("SELECT parse_json('1') AS v, 1 AS k");
    expect(() => df.groupBy("v").count()).toThrow(expect.objectContaining({ code: "GROUP_EXPRESSION_TYPE_IS_NOT_ORDERABLE" }));
    expect(() => df.orderBy("v")).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
    expect(() => df.dropDuplicates(["v"])).toThrow(expect.objectContaining({ code: "UNSUPPORTED_FEATURE" }));
    expect(() => df.distinct()).toThrow(expect.objectContaining({ code: "UNSUPPORTED_FEATURE" }));
    expect(() => df.intersect(df)).toThrow(expect.objectContaining({ code: "UNSUPPORTED_FEATURE" }));
    expect(() => df.filter(F.col("v").eq(F.col("v")))).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
    expect(await df.dropDuplicates(["k"]).count()).toBe(1);
  });

  it("variant_get needs a constant, valid path and type", () => {
    const df = spark.sql("SELECT parse_json('1') AS v, '$' AS p");
    expect(() => df.select(F.variant_get("v", "a.b"))).toThrow(expect.objectContaining({ code: "INVALID_VARIANT_GET_PATH" }));
    expect(() => df.selectExpr("variant_get(v, p, 'int')")).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
    expect(() => df.selectExpr("variant_get(v, '$', 'nosuchtype')")).toThrow(expect.objectContaining({ code: "INVALID_DDL" }));
    expect(() => df.selectExpr("variant_get(p, '$', 'int')")).toThrow(expect.objectContaining({ code: "DATATYPE_MISMATCH" }));
  });
});
