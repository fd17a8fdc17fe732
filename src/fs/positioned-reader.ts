/**
 * Reads at byte positions for the readers that walk a file piece by piece (JSON/CSV/text pieces,
 * line chunks): a local file's own FileHandle, or on an object store one ranged GET per read.
 */
import { open } from "node:fs/promises";
import { fileSystemFor } from "./file-systems.js";
import { isLocalPath, localPathOf } from "./path.js";

export interface PositionedReader {
  /** Read up to `length` bytes at `position` (null: where the previous read ended) into `buf` at `offset`. */
  read(buf: Buffer, offset: number, length: number, position: number | null): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

export async function openPositionedReader(path: string): Promise<PositionedReader> {
  if (isLocalPath(path)) return open(localPathOf(path), "r");
  const fs = fileSystemFor(path);
  let next = 0;
  return {
    read: async (buf, offset, length, position) => {
      const got = fs.open(path, { offset: position ?? next, length });
      got.copy(buf, offset);
      next = (position ?? next) + got.length;
      return { bytesRead: got.length };
    },
    close: async () => undefined,
  };
}
