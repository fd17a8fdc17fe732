import { describe, expect, it } from "vitest";
import { ArrayType, DoubleType, IntegerType, LongType, MapType, StringType } from "../../types/data-type.js";
import { StructType } from "../../types/struct-type.js";
import { collectBatches } from "../execution-plan.js";
import { GenerateExec } from "./generate-exec.js";
import { SortExec } from "./sort-exec.js";
import { ctx, ref, relation, rows, shimCompile, tuples } from "./test-helpers.js";

describe("GenerateExec", () => {
  const arrays = () => relation("id INT, a ARRAY<INT>", [{ id: 1, a: [1, 2] }, { id: 2, a: [] }], [{ id: 3, a: null }, { id: 4, a: [null] }]);
  const a = ref(1, ArrayType(IntegerType), "a");

  it("explodes arrays, dropping null and empty ones", async () => {
    const g = new GenerateExec(arrays(), "explode", false, a, StructType.fromDDL("id INT, a ARRAY<INT>, col INT"), shimCompile);
    expect((await tuples(g)).map((r) => [r[0], r[2]])).toEqual([
      [1, 1],
      [1, 2],
      [4, null],
    ]);
    expect(g.describe()).toBe("GenerateExec: explode(a#1), [col]");
  });

  it("posexplode_outer keeps null and empty arrays with null pos and col (as Spark)", async () => {
    const g = new GenerateExec(arrays(), "posexplode", true, a, StructType.fromDDL("id INT, a ARRAY<INT>, pos INT, col INT"), shimCompile);
    expect((await tuples(g)).map((r) => [r[0], r[2], r[3]])).toEqual([
      [1, 0, 1],
      [1, 1, 2],
      [2, null, null],
      [3, null, null],
      [4, 0, null],
    ]);
  });

  it("explodes maps into key and value, with positions", async () => {
    const m = relation("id INT, m MAP<STRING, BIGINT>", [{ id: 1, m: new Map([["a", 1], ["b", 2]]) }, { id: 2, m: new Map() }]);
    const mref = ref(1, MapType(StringType, LongType), "m");
    const g = new GenerateExec(m, "explode", false, mref, StructType.fromDDL("id INT, m MAP<STRING, BIGINT>, key STRING, value BIGINT"), shimCompile);
    expect((await tuples(g)).map((r) => [r[0], r[2], r[3]])).toEqual([
      [1, "a", 1n],
      [1, "b", 2n],
    ]);
    const p = new GenerateExec(m, "posexplode", true, mref, StructType.fromDDL("id INT, m MAP<STRING, BIGINT>, pos INT, key STRING, value BIGINT"), shimCompile);
    expect((await tuples(p)).map((r) => [r[0], r[2], r[3], r[4]])).toEqual([
      [1, 0, "a", 1n],
      [1, 1, "b", 2n],
      [2, null, null, null],
    ]);
  });

  it("inline turns an array of structs into columns", async () => {
    const t = StructType.fromDDL("s ARRAY<STRUCT<x: INT, y: STRING>>");
    const input = relation("s ARRAY<STRUCT<x: INT, y: STRING>>", [{ s: [{ x: 1, y: "a" }, null, { x: 2, y: null }] }, { s: null }]);
    const g = new GenerateExec(input, "inline", false, ref(0, t.fields[0]!.type, "s"), StructType.fromDDL("s ARRAY<STRUCT<x: INT, y: STRING>>, x INT, y STRING"), shimCompile);
    expect((await tuples(g)).map((r) => [r[1], r[2]])).toEqual([
      [1, "a"],
      [null, null],
      [2, null],
    ]);
  });
});

describe("SortExec", () => {
  const input = () =>
    relation("k DOUBLE, s STRING", [{ k: 2, s: "b" }, { k: NaN, s: "n" }, { k: null, s: "z" }], [{ k: -1, s: "a" }, { k: 2, s: "a" }, { k: -0, s: "m" }, { k: 0, s: "p" }]);
  const k = ref(0, DoubleType, "k");
  const s = ref(1, StringType, "s");

  it("sorts across batches with NaN largest, nulls placed as asked, and stability for ties", async () => {
    const asc = new SortExec(input(), [{ expr: k, ascending: true, nullsFirst: true }], shimCompile);
    expect((await tuples(asc)).map((r) => r[1])).toEqual(["z", "a", "m", "p", "b", "a", "n"]);
    const desc = new SortExec(input(), [{ expr: k, ascending: false, nullsFirst: false }, { expr: s, ascending: true, nullsFirst: true }], shimCompile);
    expect((await tuples(desc)).map((r) => r[1])).toEqual(["n", "a", "b", "m", "p", "a", "z"]);
    expect(desc.describe()).toBe("SortExec: [k#0 DESC NULLS LAST, s#1 ASC NULLS FIRST]");
  });

  it("emits batches of batchSize and nothing for empty input", async () => {
    const asc = new SortExec(input(), [{ expr: s, ascending: true, nullsFirst: false }], shimCompile);
    expect((await collectBatches(asc, { ...ctx, batchSize: 3 })).map((b) => b.numRows)).toEqual([3, 3, 1]);
    expect(await rows(new SortExec(relation("k DOUBLE, s STRING"), [{ expr: s, ascending: true, nullsFirst: false }], shimCompile))).toEqual([]);
  });
});
