/**
 * Each stateful operator's metadata (Spark's OperatorStateMetadata v1: operator id and name, its
 * stores and their partition count), written after the operator's first batch and again whenever
 * it changes; the `state-metadata` format reads it. Spark keeps it at
 * `state/<operatorId>/_metadata/metadata`; Sluice at `state/_metadata/operator-<operatorId>`, so
 * that `state/<operatorId>/` holds only partition folders.
 */
import { fileSystemFor } from "../../fs/file-systems.js";
import { joinPath, pathName } from "../../fs/path.js";
import { writeFileAtomic } from "../checkpoint/atomic-file.js";
import { checksummedPieces, corrupt, readChecksummed } from "../checkpoint/checksummed-file.js";
import { STATE_FILE } from "./state-files.js";

export interface OperatorMetadata {
  readonly operatorId: number;
  readonly operatorName: string;
  readonly stateStoreNames: readonly string[];
  readonly numPartitions: number;
}

const KIND = { ...STATE_FILE, label: "Operator metadata file", damagedFix: "Delete it: the query writes it again after its next batch." };
const fileOf = (stateRoot: string, operatorId: number): string => joinPath(stateRoot, "_metadata", `operator-${operatorId}`);

export function readOperatorMetadata(stateRoot: string, operatorId: number): OperatorMetadata | undefined {
  const file = fileOf(stateRoot, operatorId);
  if (!fileSystemFor(file).exists(file)) return undefined;
  const body = readChecksummed(file, KIND).body;
  try {
    const m = JSON.parse(body) as OperatorMetadata;
    if (typeof m.operatorName !== "string" || !Array.isArray(m.stateStoreNames) || typeof m.numPartitions !== "number") throw new Error("missing fields");
    return m;
  } catch (e) {
    throw corrupt(KIND, file, `corrupt: ${(e as Error).message}`);
  }
}

/** Write the metadata unless the file already says the same. */
export function recordOperatorMetadata(stateRoot: string, m: OperatorMetadata): void {
  const text = JSON.stringify({ ...m, stateStoreNames: [...m.stateStoreNames].sort() });
  const file = fileOf(stateRoot, m.operatorId);
  if (fileSystemFor(file).exists(file) && readChecksummed(file, KIND).body === text) return;
  writeFileAtomic(file, checksummedPieces(pathName(file), [text]));
}
