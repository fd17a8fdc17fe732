/**
 * Sluice places stateful keys in the partitions Spark does: the keys PySpark 4.0.1 kept in each
 * partition of its state store (recorded by scripts/oracle/gen_partitioning.py into
 * test/parallel/golden/partitioning.golden.json) get the same partition from hashPartitionOf, and
 * the column kernel hashPartitionIds agrees with it row by row.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { vectorFromValues } from "../../columnar/column-batch.js";
import type { DataType } from "../../types/data-type.js";
import { hashPartitionIds, hashPartitionOf, pmod, stringPartitionOf } from "./hash-partitioning.js";

interface Golden {
  numPartitions: number;
  cases: { name: string; op: string; keys: string[]; state: { key: Record<string, unknown>; partition: number }[] }[];
}
const golden = JSON.parse(readFileSync(join(import.meta.dirname, "../../../test/parallel/golden/partitioning.golden.json"), "utf8")) as Golden;

const TYPES: Record<string, DataType> = {
  i: { kind: "int" },
  l: { kind: "bigint" },
  s: { kind: "string" },
  d: { kind: "double" },
  window: { kind: "struct", fields: [{ name: "start", type: { kind: "timestamp" }, nullable: true }, { name: "end", type: { kind: "timestamp" }, nullable: true }] },
};
const micros = (iso: string): number => Date.parse(iso + "Z") * 1000;

function engineValue(name: string, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (name === "l") return BigInt(v as number | string);
  if (name === "window") {
    const w = v as { start: string; end: string };
    return { start: micros(w.start), end: micros(w.end) };
  }
  return v;
}

describe("hash partitioning matches Spark's HashPartitioning (pmod(murmur3(keys, 42), n))", () => {
  for (const c of golden.cases) {
    it(`${c.name}: ${c.state.length} keys`, () => {
      const keys = c.op === "window" ? ["window"] : c.keys;
      const types = keys.map((k) => TYPES[k]!);
      const rows = c.state.map((e) => keys.map((k) => engineValue(k, e.key[k])));
      expect(rows.map((r) => hashPartitionOf(types, r, golden.numPartitions))).toEqual(c.state.map((e) => e.partition));
      const columns = keys.map((_, j) => vectorFromValues(types[j]!, rows.map((r) => r[j])));
      expect([...hashPartitionIds(columns, rows.length, golden.numPartitions)]).toEqual(c.state.map((e) => e.partition));
    });
  }

  it("one partition needs no hashing; pmod is Java's floorMod", () => {
    expect([...hashPartitionIds([vectorFromValues({ kind: "string" }, ["a", "b"])], 2, 1)]).toEqual([0, 0]);
    expect(pmod(-7, 3)).toBe(2);
    expect(pmod(7, 3)).toBe(1);
    expect(stringPartitionOf('["a"]\u00001', 5)).toBe(stringPartitionOf('["a"]\u00002', 5));
  });
});
