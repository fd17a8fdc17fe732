/** Helpers for Delta tests: a temp table folder and fake data files (the log does not read them). */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { SluiceError } from "../common/errors.js";
import type { AddFile } from "./actions.js";

export const tempTable = (): string => join(mkdtempSync(join(tmpdir(), "sluice-delta-")), "t");

/** Write a small placeholder file under the table and return its add action. */
export function fakeAdd(table: string, partitionValues: Record<string, string | null> = {}, rows = 1): AddFile {
  const path = `part-${randomUUID()}.parquet`;
  writeFileSync(join(table, path), "x");
  return { path, partitionValues, size: 1, modificationTime: Date.now(), dataChange: true, stats: JSON.stringify({ numRecords: rows }) };
}

/** The code (and message) of the SluiceError `f` rejects or throws with. */
export async function errorOf(f: () => unknown): Promise<SluiceError> {
  try {
    await f();
  } catch (e) {
    if (e instanceof SluiceError) return e;
    throw e;
  }
  throw new Error("expected a SluiceError, nothing was thrown");
}
