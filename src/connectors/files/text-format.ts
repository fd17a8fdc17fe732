/**
 * Text files: one row per line in a single `value STRING` column (line breaks `\n`, `\r\n`, `\r`
 * or `lineSep`; a final line break does not start another row), or one row per file with
 * `wholetext`. Writing needs exactly one STRING column; null rows are written as empty lines.
 */
import { type ColumnBatch, makeBatch } from "../../columnar/column-batch.js";
import { makeVector } from "../../columnar/vector.js";
import { analysisError } from "../../common/errors.js";
import { simpleString } from "../../types/data-type.js";
import { StructType } from "../../types/struct-type.js";
import { readFileBytes } from "./compression.js";
import type { TextReadOptions } from "./options.js";

export const TEXT_SCHEMA = new StructType([{ name: "value", type: { kind: "string" }, nullable: true }]);

/** Split text into lines as Spark's text source does. */
export function splitLines(text: string, lineSep: string | undefined): string[] {
  if (text === "") return [];
  const parts = lineSep !== undefined ? text.split(lineSep) : text.split(/\r\n|\r|\n/);
  if (parts[parts.length - 1] === "") parts.pop();
  return parts;
}

/** Read one text file into batches of `schema` (its one column gets the text). */
export async function* readTextFile(path: string, schema: StructType, o: TextReadOptions, batchSize: number): AsyncGenerator<ColumnBatch> {
  const text = (await readFileBytes(path)).toString("utf8");
  const lines = o.wholetext ? [text] : splitLines(text, o.lineSep);
  for (let start = 0; start < lines.length; start += batchSize) {
    const chunk = lines.slice(start, start + batchSize);
    const cols = schema.fields.map((f) => (f.type.kind === "string" ? makeVector(f.type, chunk) : makeVector(f.type, new Array(chunk.length).fill(null), new Uint8Array(chunk.length))));
    yield makeBatch(schema, cols, chunk.length);
  }
}

/** Text output needs one STRING column (Spark's rule). */
export function checkTextSchema(schema: StructType): void {
  if (schema.length !== 1 || schema.fields[0]!.type.kind !== "string") {
    throw analysisError(
      "UNSUPPORTED_DATA_SOURCE_SCHEMA",
      `Text data source supports only a single column of type STRING, but the data has ${schema.length} column(s): ${schema.fields.map((f) => `${f.name} ${simpleString(f.type).toUpperCase()}`).join(", ")}. Select one string column, e.g. with concat_ws or to_json.`,
      {},
    );
  }
}

/** Rows of a one-STRING-column batch as text lines. */
export function textLines(batch: ColumnBatch, lineSep: string): string {
  const v = batch.columns[0]!;
  let out = "";
  for (let i = 0; i < batch.numRows; i++) out += (v.validity && v.validity[i] === 0 ? "" : (v.values as string[])[i]) + lineSep;
  return out;
}
