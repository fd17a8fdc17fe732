/**
 * CRC-32 (the IEEE polynomial of zlib, gzip and Hadoop's `.crc` files), incremental: pass the
 * previous result to continue over the next piece. Uses `zlib.crc32` where Node has it (20.15+,
 * 22.2+); older Node 20 releases, which `engines` still allows, get the table version below.
 */
import * as zlib from "node:zlib";

type Crc32 = (data: Uint8Array, value?: number) => number;

let table: Uint32Array | undefined;

/** The table-driven CRC-32 (reflected polynomial 0xEDB88320). Exported for its test against zlib. */
export function crc32Table(data: Uint8Array, value = 0): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = ~value >>> 0;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

const native = (zlib as unknown as { crc32?: Crc32 }).crc32;

export const crc32: Crc32 = native ? (data, value = 0) => native(data, value) : crc32Table;
