/**
 * Writes one DataFrame as JSON, CSV (with a header), Parquet and a Delta table under `dir`, and
 * gives back a reader per format, so an exactness test can compare what each format returns.
 * JSON and CSV are read with `ddl` (their own inference would pick other types).
 */
import { join } from "node:path";
import type { DataFrame, Session } from "../../src/index.js";

export async function writeEveryFormat(spark: Session, df: DataFrame, dir: string, ddl: string): Promise<Record<string, DataFrame>> {
  await df.write.json(join(dir, "json"));
  await df.write.option("header", "true").csv(join(dir, "csv"));
  await df.write.parquet(join(dir, "parquet"));
  await df.write.format("delta").save(join(dir, "delta"));
  return {
    json: spark.read.schema(ddl).json(join(dir, "json")),
    csv: spark.read.schema(ddl).option("header", "true").csv(join(dir, "csv")),
    parquet: spark.read.parquet(join(dir, "parquet")),
    delta: spark.read.format("delta").load(join(dir, "delta")),
  };
}
