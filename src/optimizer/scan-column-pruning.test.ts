import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Session, col, functions as F } from "../index.js";
import type { RScan, ResolvedPlan } from "../plan/resolved-plan.js";
import { resolvedChildren } from "../plan/resolved-plan.js";
import { requiredScanColumns } from "./scan-column-pruning.js";

const spark = Session.builder().getOrCreate();

function scans(p: ResolvedPlan): RScan[] {
  return p.kind === "scan" ? [p] : resolvedChildren(p).flatMap(scans);
}
const names = (df: { resolved: ResolvedPlan }): string[][] => {
  const req = requiredScanColumns(df.resolved);
  return scans(df.resolved).map((s) => [...(req.get(s) ?? [])].sort().map((i) => s.output[i]!.name));
};

describe("scan column pruning", async () => {
  const dir = join(mkdtempSync(join(tmpdir(), "sluice-prune-")), "t");
  await spark
    .createDataFrame([{ a: 1, b: "x", c: 2.5, d: true }], "a INT, b STRING, c DOUBLE, d BOOLEAN")
    .write.parquet(dir);
  const t = spark.read.parquet(dir);

  it("keeps only the columns that projections, filters, aggregates and sorts read", () => {
    expect(names(t.select("a"))).toEqual([["a"]]);
    expect(names(t.filter(col("d")).select("a"))).toEqual([["a", "d"]]);
    expect(names(t.groupBy("b").agg(F.sum("c")))).toEqual([["b", "c"]]);
    expect(names(t.orderBy("c").select("b"))).toEqual([["b", "c"]]);
    expect(names(t.groupBy().count())).toEqual([[]]);
    // a self-join reads one scan object twice: it must provide what either side needs
    expect(names(t.join(t.select(col("a").alias("a2"), col("b").alias("b2")), col("a").eq(col("a2"))).select("b2"))).toEqual([["a", "b"], ["a", "b"]]);
    const u = spark.read.parquet(dir);
    expect(names(t.join(u.select(col("a").alias("a2"), col("b").alias("b2")), col("a").eq(col("a2"))).select("b2"))).toEqual([["a"], ["a", "b"]]);
  });

  it("pruned Parquet scans return the same rows", async () => {
    expect(await t.select("c", "a").collect()).toEqual([{ c: 2.5, a: 1 }]);
    expect(await t.count()).toBe(1);
    expect(await t.groupBy("b").agg(F.max("a").alias("m")).collect()).toEqual([{ b: "x", m: 1 }]);
  });
});
