/**
 * Columns crossing between threads (worker_threads postMessage). Typed storage travels in its
 * own ArrayBuffer, listed for transfer, so it moves instead of being copied; a string column
 * travels as one joined string plus each value's length (one copy of one string, instead of one
 * clone per value); other storage (structs, arrays, binary) is structured-cloned.
 *
 * `toWire` transfers: the vectors given must own their buffers (built by `take`, not views of a
 * batch still in use), because the sender's buffers are detached by the transfer.
 */
import { type Vector, type VectorValues, makeVector, storageOf } from "../columnar/vector.js";
import type { DataType } from "../types/data-type.js";

export interface JoinedStrings {
  readonly joined: string;
  readonly lengths: Int32Array;
}

export interface WireVector {
  readonly values: VectorValues | JoinedStrings;
  readonly validity: Uint8Array | null;
}

export function toWire(vectors: readonly Vector[]): { columns: WireVector[]; transfer: ArrayBuffer[] } {
  const transfer = new Set<ArrayBuffer>();
  const own = (a: ArrayBufferView | null): void => {
    if (a !== null && a.buffer instanceof ArrayBuffer) transfer.add(a.buffer);
  };
  const columns = vectors.map((v): WireVector => {
    own(v.validity);
    if (ArrayBuffer.isView(v.values)) {
      own(v.values);
      return { values: v.values, validity: v.validity };
    }
    if (storageOf(v.type) !== "str") return { values: v.values, validity: v.validity };
    const strings = v.values as string[];
    const lengths = new Int32Array(strings.length);
    for (let i = 0; i < strings.length; i++) lengths[i] = strings[i]!.length;
    own(lengths);
    return { values: { joined: strings.join(""), lengths }, validity: v.validity };
  });
  return { columns, transfer: [...transfer] };
}

export function fromWire(columns: readonly WireVector[], types: readonly DataType[]): Vector[] {
  return columns.map((c, k) => {
    const v = c.values;
    if (!("joined" in v)) return makeVector(types[k]!, v, c.validity);
    const out = new Array<string>(v.lengths.length);
    let at = 0;
    for (let i = 0; i < out.length; i++) {
      const end = at + v.lengths[i]!;
      out[i] = v.joined.slice(at, end);
      at = end;
    }
    return makeVector(types[k]!, out, c.validity);
  });
}
