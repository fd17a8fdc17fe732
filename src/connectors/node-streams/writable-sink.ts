/**
 * A streaming query's output to a Node `Writable` (a file stream, a socket, `process.stdout`) as
 * JSON lines (docs/node-streams.md): each micro-batch's rows are written in order, waiting for
 * 'drain' when the stream asks to, before the batch commits. BIGINT is written as exact digits,
 * TIMESTAMP/DATE as ISO-8601, BINARY as base64 and MAP as an object, as Spark's JSON writer does.
 * A batch re-run after a failure is written again: the output is at-least-once.
 */
import { once } from "node:events";
import type { Writable } from "node:stream";
import type { DataStreamWriter } from "../../dataframe/data-stream-writer.js";

const BIGINT = "\u0000bigint:";

function jsonValue(_k: string, v: unknown): unknown {
  if (typeof v === "bigint") return `${BIGINT}${v}`;
  if (v instanceof Uint8Array) return Buffer.from(v).toString("base64");
  if (v instanceof Map) return Object.fromEntries(v);
  return v;
}

/** One row as a JSON line. */
export function jsonLine(row: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(row, jsonValue).replace(/"\\u0000bigint:(-?\d+)"/g, "$1") + "\n";
}

/** `writer` configured to write every micro-batch's rows to `out` (start it with `.start()`). */
export function writeStreamToWritable(writer: DataStreamWriter, out: Writable): DataStreamWriter {
  return writer.foreachBatch(async (batch) => {
    for (const row of await batch.collect()) {
      if (!out.write(jsonLine(row))) await once(out, "drain");
    }
  });
}
