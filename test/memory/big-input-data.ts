/**
 * The generated input of the memory tests: JSON lines of ~150 bytes, and the stateless query run
 * over them (a filter keeping 90% of the rows and a derived column), with the rows it must give.
 */
import { once } from "node:events";
import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import { col } from "../../src/index.js";
import type { DataFrame } from "../../src/dataframe/dataframe.js";

export const BIG_INPUT_SCHEMA = "id BIGINT, user STRING, amount DOUBLE, ts TIMESTAMP, note STRING";
const NOTE = "x".repeat(48);
const T0 = Date.UTC(2024, 0, 1);

/** The input row `i` as a JSON line. */
const line = (i: number): string =>
  `{"id":${i},"user":"user-${i % 10000}","amount":${(i % 1000) / 10},"ts":"${new Date(T0 + i * 1000).toISOString()}","note":"${NOTE}-${i}"}\n`;

/** Write one file `dir/input.json` of at least `bytes` bytes; returns the number of rows. */
export async function writeBigInput(dir: string, bytes: number): Promise<number> {
  mkdirSync(dir, { recursive: true });
  const out = createWriteStream(join(dir, "input.json"));
  let written = 0;
  let rows = 0;
  while (written < bytes) {
    let chunk = "";
    for (let k = 0; k < 10000; k++) chunk += line(rows++);
    written += chunk.length;
    if (!out.write(chunk)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  return rows;
}

/** Rows of the query over an input of `rows` rows: those with amount ≥ 10, i.e. i % 1000 ≥ 100. */
export const expectedRows = (rows: number): number => Math.floor(rows / 1000) * 900 + Math.max(0, (rows % 1000) - 100);

export const bigInputQuery = (df: DataFrame): DataFrame => df.filter(col("amount").geq(10)).withColumn("cents", col("amount").multiply(100));
