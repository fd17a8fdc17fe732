/**
 * The bytes a Parquet row-group piece (scan-pieces.ts) needs, read by ranged reads through the
 * FileSystem layer: the footer, then the column chunks of the piece's row groups, placed at
 * their offsets in a buffer of the file's size whose other bytes stay zero. The synchronous
 * decoder (parquet-wasm's readParquet, asked for those row groups only) then reads a piece of a
 * large file, or of an object on S3, for the cost of its own bytes. (The asynchronous ranged
 * reader of parquet-wasm is not used: a decoder panic on a damaged file there never settles its
 * promise.)
 *
 * Where the chunks are comes from the footer (Parquet's FileMetaData, Thrift compact protocol):
 * FileMetaData.row_groups (field 4) → RowGroup.columns (1) → ColumnChunk.meta_data (3) →
 * ColumnMetaData.total_compressed_size (7), data_page_offset (9), dictionary_page_offset (11).
 * A chunk starts at its dictionary page when it has one, and spans total_compressed_size bytes.
 */
import { fileSystemFor } from "../../fs/file-systems.js";

/** Thrift compact protocol types (the low nibble of a field header or a list header). */
const T = { TRUE: 1, FALSE: 2, BYTE: 3, I16: 4, I32: 5, I64: 6, DOUBLE: 7, BINARY: 8, LIST: 9, SET: 10, MAP: 11, STRUCT: 12 } as const;

class CompactReader {
  #at = 0;
  constructor(private readonly b: Uint8Array) {}

  #byte(): number {
    if (this.#at >= this.b.length) throw new Error("the footer ends early");
    return this.b[this.#at++]!;
  }

  varint(): number {
    let n = 0;
    for (let mul = 1; ; mul *= 128) {
      const x = this.#byte();
      n += (x & 0x7f) * mul;
      if (x < 0x80) return n;
    }
  }

  /** A zigzag varint (i16, i32, i64; offsets and sizes fit a double exactly). */
  int(): number {
    const z = this.varint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }

  /** Each field of a struct: `on(fieldId, type)` reads it and returns true, or it is skipped. */
  struct(on: (id: number, type: number) => boolean): void {
    let id = 0;
    for (;;) {
      const h = this.#byte();
      const type = h & 0x0f;
      if (type === 0) return;
      id = h >> 4 === 0 ? this.int() : id + (h >> 4);
      if (!on(id, type)) this.skip(type);
    }
  }

  /** The elements of a list: `each()` reads one. */
  list(each: () => void): void {
    const h = this.#byte();
    const n = h >> 4 === 15 ? this.varint() : h >> 4;
    for (let i = 0; i < n; i++) each();
  }

  skip(type: number): void {
    switch (type) {
      case T.TRUE:
      case T.FALSE:
        return;
      case T.BYTE:
        this.#at++;
        return;
      case T.I16:
      case T.I32:
      case T.I64:
        this.varint();
        return;
      case T.DOUBLE:
        this.#at += 8;
        return;
      case T.BINARY: {
        const n = this.varint(); // read before #at: `#at += varint()` would add to the old position
        this.#at += n;
        return;
      }
      case T.LIST:
      case T.SET: {
        const h = this.#byte();
        const n = h >> 4 === 15 ? this.varint() : h >> 4;
        const et = h & 0x0f;
        // booleans in a list take a byte each
        for (let i = 0; i < n; i++) et === T.TRUE || et === T.FALSE ? this.#at++ : this.skip(et);
        return;
      }
      case T.MAP: {
        const n = this.varint();
        if (n === 0) return;
        const kv = this.#byte();
        for (let i = 0; i < n; i++) this.skip(kv >> 4), this.skip(kv & 0x0f);
        return;
      }
      case T.STRUCT:
        this.struct(() => false);
        return;
      default:
        throw new Error(`unknown Thrift type ${type} in the footer`);
    }
  }
}

/** A byte range of the file. */
export interface ByteRange {
  readonly offset: number;
  readonly length: number;
}

/** The column chunk byte ranges of each row group, from a file's footer (FileMetaData bytes). */
export function rowGroupChunkRanges(footer: Uint8Array): ByteRange[][] {
  const r = new CompactReader(footer);
  const groups: ByteRange[][] = [];
  r.struct((id, type) => {
    if (id !== 4 || type !== T.LIST) return false;
    r.list(() => {
      const chunks: ByteRange[] = [];
      r.struct((gid, gtype) => {
        if (gid !== 1 || gtype !== T.LIST) return false;
        r.list(() =>
          r.struct((cid, ctype) => {
            if (cid !== 3 || ctype !== T.STRUCT) return false;
            let size = -1;
            let data = -1;
            let dict = -1;
            r.struct((mid, mtype) => {
              if (mtype !== T.I64 || (mid !== 7 && mid !== 9 && mid !== 11)) return false;
              const v = r.int();
              if (mid === 7) size = v;
              else if (mid === 9) data = v;
              else dict = v;
              return true;
            });
            if (size < 0 || data < 0) throw new Error("a column chunk without its offset or size");
            chunks.push({ offset: dict > 0 && dict < data ? dict : data, length: size });
            return true;
          }),
        );
        return true;
      });
      groups.push(chunks);
    });
    return true;
  });
  return groups;
}

/**
 * A Parquet file's footer (FileMetaData bytes) and its last 8 bytes (footer length, `PAR1`), by
 * two ranged reads; throws, saying what is wrong, when the file cannot be Parquet.
 */
export function readFooter(file: string): { readonly size: number; readonly footer: Buffer; readonly tail: Buffer } {
  const fs = fileSystemFor(file);
  const size = fs.getFileStatus(file)?.length;
  if (size === undefined) throw new Error("no such file");
  if (size < 12) throw new Error("file is too small to be Parquet");
  const tail = fs.open(file, { offset: size - 8, length: 8 });
  if (tail.toString("latin1", 4, 8) !== "PAR1") throw new Error("missing the PAR1 magic bytes at the end");
  const len = tail.readUInt32LE(0);
  if (len + 12 > size) throw new Error("footer length is larger than the file");
  return { size, footer: fs.open(file, { offset: size - 8 - len, length: len }), tail };
}

/**
 * The file as row groups `start..end-1` need it: a buffer of the file's size holding the leading
 * magic, those groups' column chunks and the footer, every other byte zero. Reads go through the
 * FileSystem layer as one ranged read per run of adjacent chunks.
 */
export function rowGroupPieceBytes(file: string, groups: { readonly start: number; readonly end: number }): Uint8Array {
  const fs = fileSystemFor(file);
  const { size, footer, tail } = readFooter(file);
  const len = footer.length;
  const out = Buffer.alloc(size);
  out.write("PAR1", 0, "latin1");
  footer.copy(out, size - 8 - len);
  tail.copy(out, size - 8);
  const all = rowGroupChunkRanges(footer);
  if (groups.end > all.length) throw new Error(`the file has ${all.length} row groups, the piece asks for ${groups.start}..${groups.end - 1}`);
  const chunks = all.slice(groups.start, groups.end).flat().sort((a, b) => a.offset - b.offset);
  for (let i = 0; i < chunks.length; ) {
    const from = chunks[i]!.offset;
    let to = from + chunks[i]!.length;
    for (i++; i < chunks.length && chunks[i]!.offset <= to; i++) to = Math.max(to, chunks[i]!.offset + chunks[i]!.length);
    if (from < 4 || to > size - 8 - len) throw new Error(`a column chunk (bytes ${from}..${to}) lies outside the file's data`);
    fs.open(file, { offset: from, length: to - from }).copy(out, from);
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}
