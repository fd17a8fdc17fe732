/**
 * Small Parquet helpers over parquet-wasm (arrow-rs in wasm) and apache-arrow, used for
 * checkpoints and reusable by the data path: bytes ⇄ Arrow tables, and Arrow values → plain
 * JSON-like values (structs → objects, maps → objects, lists → arrays, int64 → number).
 */
import { fileSystemFor } from "../fs/file-systems.js";
import { type Table, tableFromIPC, tableToIPC } from "apache-arrow";
import * as pq from "parquet-wasm/node";
import { inputError } from "../common/errors.js";

/** Decode a Parquet file's bytes into an Arrow table. Throws PARQUET_READ_FAILED naming `file`. */
export function parquetToArrow(bytes: Uint8Array, file = "<bytes>"): Table {
  try {
    const wasm = pq.readParquet(bytes);
    return tableFromIPC(wasm.intoIPCStream());
  } catch (e) {
    throw inputError("PARQUET_READ_FAILED", `Cannot read Parquet file ${file}: ${errText(e)}`, { file }, e);
  }
}

/** Read a Parquet file (on any file system, src/fs) into an Arrow table. */
export function readParquetFile(path: string): Table {
  let bytes: Uint8Array;
  try {
    bytes = fileSystemFor(path).open(path);
  } catch (e) {
    throw inputError("PARQUET_READ_FAILED", `Cannot read Parquet file ${path}: ${errText(e)}`, { file: path }, e);
  }
  return parquetToArrow(bytes, path);
}

/** Encode an Arrow table as Parquet bytes (SNAPPY compressed). */
export function arrowToParquet(table: Table): Uint8Array {
  const wasmTable = pq.Table.fromIPCStream(tableToIPC(table, "stream"));
  const props = new pq.WriterPropertiesBuilder().setCompression(pq.Compression.SNAPPY).build();
  return pq.writeParquet(wasmTable, props);
}

/** Rows of an Arrow table as plain JSON-like objects (see `arrowValueToJs`). */
export function arrowRows(table: Table): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const names = table.schema.fields.map((f) => f.name);
  const cols = names.map((_, i) => table.getChildAt(i)!);
  for (let r = 0; r < table.numRows; r++) {
    const row: Record<string, unknown> = {};
    for (let c = 0; c < names.length; c++) row[names[c]!] = arrowValueToJs(cols[c]!.get(r));
    out.push(row);
  }
  return out;
}

/**
 * Convert one Arrow JS value: bigint → number, StructRow → object, MapRow → object keyed by
 * the map keys, Vector (list) → array; other values unchanged.
 */
export function arrowValueToJs(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return Number(v);
  if (typeof v !== "object") return v;
  if (v instanceof Uint8Array || v instanceof Date) return v;
  const o = v as { toArray?: () => unknown[]; toJSON?: () => unknown; [Symbol.iterator]?: unknown };
  if (isArrowVector(o)) return o.toArray!().map(arrowValueToJs);
  if (typeof o.toJSON === "function") {
    const j = o.toJSON();
    if (j && typeof j === "object" && !Array.isArray(j)) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(j)) out[k] = arrowValueToJs(x);
      return out;
    }
    return j;
  }
  return v;
}

const isArrowVector = (o: object): boolean => "data" in o && "type" in o && typeof (o as { toArray?: unknown }).toArray === "function";

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
