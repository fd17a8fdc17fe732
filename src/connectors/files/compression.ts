/**
 * Compressed JSON, CSV and text input. Spark (through Hadoop's CompressionCodecFactory) picks a
 * codec by the file name's suffix; Sluice decodes the two that Node's zlib holds — `.gz`
 * (GzipCodec; concatenated members too) and `.deflate` (DefaultCodec: a zlib stream) — and
 * refuses the others by name (UNSUPPORTED_COMPRESSION) rather than read them as garbage.
 * A compressed file cannot be split, so it is read whole, from its start, as a stream.
 */
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { Readable, type Transform } from "node:stream";
import { fileSystemFor } from "../../fs/file-systems.js";
import { isLocalPath, localPathOf } from "../../fs/path.js";
import { createGunzip, createInflate, gunzipSync, inflateSync } from "node:zlib";
import { inputError, unsupported } from "../../common/errors.js";

export type InputCodec = "gzip" | "deflate";

const CODECS: Readonly<Record<string, InputCodec>> = { gz: "gzip", deflate: "deflate" };
const COMPRESSED = /\.(gz|bz2|deflate|lz4|snappy|zst|zstd|br|xz)$/i;

/** The codec of `path` by its suffix, or undefined for a plain file; an unsupported codec fails naming the file. */
export function codecOf(path: string): InputCodec | undefined {
  const m = COMPRESSED.exec(path);
  if (!m) return undefined;
  const codec = CODECS[m[1]!.toLowerCase()];
  if (codec) return codec;
  throw unsupported(
    "UNSUPPORTED_COMPRESSION",
    `Cannot read ${path}: Sluice decompresses .gz and .deflate files, not ${m[0]} (Spark does). Decompress it first, or leave it out with pathGlobFilter.`,
    { file: path },
  );
}

const readError = (path: string, e: unknown) =>
  inputError("FAILED_READ_FILE", `Cannot read ${path}: ${e instanceof Error ? e.message : String(e)}${isZlibError(e) ? " (the compressed file is damaged or cut short)" : ""}`, { file: path }, e);

const isZlibError = (e: unknown): boolean => typeof (e as { code?: unknown })?.code === "string" && (e as { code: string }).code.startsWith("Z_");

/** The decompressed bytes of a whole file (its raw bytes when plain). */
export async function readFileBytes(path: string): Promise<Buffer> {
  const codec = codecOf(path);
  let raw: Buffer;
  try {
    raw = isLocalPath(path) ? await readFile(localPathOf(path)) : fileSystemFor(path).open(path);
  } catch (e) {
    throw readError(path, e);
  }
  return codec === undefined ? raw : decompressSync(path, raw, codec);
}

/** As readFileBytes, synchronously (schema inference runs at DataFrame creation). */
export function readFileBytesSync(path: string): Buffer {
  const codec = codecOf(path);
  let raw: Buffer;
  try {
    raw = fileSystemFor(path).open(path);
  } catch (e) {
    throw readError(path, e);
  }
  return codec === undefined ? raw : decompressSync(path, raw, codec);
}

function decompressSync(path: string, raw: Buffer, codec: InputCodec): Buffer {
  try {
    return codec === "gzip" ? gunzipSync(raw) : inflateSync(raw);
  } catch (e) {
    throw readError(path, e);
  }
}

/** The decompressed bytes of a compressed file as they are decoded; a damaged file fails naming it. */
export async function* decompressedChunks(path: string, codec: InputCodec): AsyncGenerator<Buffer> {
  const decoder: Transform = codec === "gzip" ? createGunzip() : createInflate();
  const source = isLocalPath(path) ? createReadStream(localPathOf(path)) : Readable.from([fileSystemFor(path).open(path)]);
  source.on("error", (e: Error) => decoder.destroy(e));
  try {
    for await (const chunk of source.pipe(decoder)) yield chunk as Buffer;
  } catch (e) {
    throw readError(path, e);
  } finally {
    source.destroy();
    decoder.destroy();
  }
}
