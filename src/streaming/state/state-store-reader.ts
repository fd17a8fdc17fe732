/**
 * Reading a query's committed state from outside the query (the state data source,
 * connectors/state): the schema a store recorded on first use, and every (partition, key, value)
 * of one store at one version, replayed by the state store provider from its delta and snapshot
 * files. Read-only: nothing in the checkpoint is written.
 */
import { fileSystemFor } from "../../fs/file-systems.js";
import { joinPath } from "../../fs/path.js";
import { StructType } from "../../types/struct-type.js";
import { readChecksummed } from "../checkpoint/checksummed-file.js";
import { MemoryStateStoreProvider, storeDir } from "./memory-state-store-provider.js";
import { STATE_FILE, listStateFiles } from "./state-files.js";
import type { StateSchema, StateStoreId, StateValue } from "./state-store.js";

/** The key and value schema the store recorded (`<store>/_metadata/schema`), or undefined when it has none. */
export function recordedStateSchema(id: StateStoreId): StateSchema | undefined {
  const file = joinPath(storeDir(id), "_metadata", "schema");
  if (!fileSystemFor(file).exists(file)) return undefined;
  const body = JSON.parse(readChecksummed(file, { ...STATE_FILE, label: "State schema file" }).body) as { keySchema: string; valueSchema: string };
  return { keySchema: StructType.fromJson(body.keySchema), valueSchema: StructType.fromJson(body.valueSchema) };
}

/** The entries of partition `partitionId` of a store at `version` (the state after batch version-1). */
export async function* readStateEntries(id: StateStoreId, schema: StateSchema, version: number): AsyncIterable<readonly (readonly [string, StateValue])[]> {
  const dir = storeDir(id);
  if (!fileSystemFor(dir).exists(dir)) return;
  const provider = new MemoryStateStoreProvider(id, schema, { minDeltasForSnapshot: Number.MAX_SAFE_INTEGER, minVersionsToRetain: Number.MAX_SAFE_INTEGER });
  const store = await provider.getStore(version);
  yield* store.scanChunks();
  store.abort();
  await provider.close();
}

/**
 * The earliest version of a store that can still be read (a snapshot, or a version every delta
 * up to which is kept), or undefined when it has none.
 */
export function earliestReadableVersion(id: StateStoreId): number | undefined {
  const { deltas, snapshots } = listStateFiles(storeDir(id));
  let v = 1;
  while (deltas.has(v)) v++;
  const fromStart = v > 1 ? 1 : undefined;
  const candidates = [fromStart, snapshots[0]].filter((x): x is number => x !== undefined);
  return candidates.length === 0 ? undefined : Math.min(...candidates);
}
