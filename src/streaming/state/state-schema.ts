/**
 * The state schema of each operator is recorded at `<store dir>/_metadata/schema` on first use
 * and checked on every restart: a query change that alters the key or value layout would read
 * garbage, so it fails with an error naming the columns that changed, both schemas and the fix.
 * As Spark's StateSchemaCompatibilityChecker, names do not count and nullability may narrow but
 * not widen: a column stored NOT NULL that the query now makes nullable (count(*) → sum(x)) is
 * refused, one stored nullable that is now NOT NULL is accepted.
 */
import { SluiceError } from "../../common/errors.js";
import { fileSystemFor } from "../../fs/file-systems.js";
import { joinPath } from "../../fs/path.js";
import { sqlTypeName } from "../../types/data-type.js";
import { dataTypeToJson } from "../../types/json-schema.js";
import { StructType } from "../../types/struct-type.js";
import { writeFileAtomic } from "../checkpoint/atomic-file.js";
import { checksummedPieces, corrupt, readChecksummed } from "../checkpoint/checksummed-file.js";
import { STATE_FILE } from "./state-files.js";
import type { StateSchema, StateStoreId } from "./state-store.js";

export function checkStateSchema(dir: string, id: StateStoreId, schema: StateSchema): void {
  const file = joinPath(dir, "_metadata", "schema");
  const current = { keySchema: schema.keySchema.json(), valueSchema: schema.valueSchema.json() };
  if (!fileSystemFor(file).exists(file)) {
    writeFileAtomic(file, checksummedPieces("schema", [JSON.stringify(current)]), { createOnly: true });
    return;
  }
  const kind = { ...STATE_FILE, label: "State schema file", damagedFix: "If the query's stateful operators have not changed, delete it: it is written again from the query." };
  const body = readChecksummed(file, kind).body;
  let stored: { keySchema: string; valueSchema: string };
  try {
    stored = JSON.parse(body);
    if (typeof stored.keySchema !== "string" || typeof stored.valueSchema !== "string") throw new Error("no keySchema/valueSchema");
  } catch (e) {
    throw corrupt(kind, file, `corrupt: ${(e as Error).message}`);
  }
  // Spark's error classes and words (StateSchemaCompatibilityChecker), then both layouts and the fix.
  for (const part of ["key", "value"] as const) {
    const [was, now] = part === "key" ? [stored.keySchema, current.keySchema] : [stored.valueSchema, current.valueSchema];
    if (was === now) continue;
    const changed = incompatibleColumns(StructType.fromJson(was), StructType.fromJson(now));
    if (changed.length === 0) continue;
    const ddl = (j: string): string => StructType.fromJson(j).toDDL();
    const store = id.storeName === "default" ? "" : ` (store ${id.storeName})`;
    throw new SluiceError(
      "analysis",
      `STATE_STORE_${part.toUpperCase()}_SCHEMA_NOT_COMPATIBLE`,
      `[STATE_STORE_${part.toUpperCase()}_SCHEMA_NOT_COMPATIBLE] Provided ${part} schema does not match existing state ${part} schema. The state of operator ${id.operatorId}${store} was written with ${part} (${ddl(was)}), but the query now needs ${part} (${ddl(now)}): ${changed.join("; ")}. Revert the change to the stateful part of the query or start from a new checkpointLocation.`,
      { file, operator: id.operatorId },
    );
  }
}

/** The columns of `now` that cannot read state written with `was` (names aside), described; empty when compatible. */
function incompatibleColumns(was: StructType, now: StructType): string[] {
  if (was.fields.length !== now.fields.length) return [`${was.fields.length} columns were stored, the query has ${now.fields.length}`];
  const out: string[] = [];
  now.fields.forEach((f, i) => {
    const w = was.fields[i]!;
    const column = `column ${i + 1} (${f.name === w.name ? f.name : `${w.name}, now ${f.name}`})`;
    if (JSON.stringify(dataTypeToJson(w.type)) !== JSON.stringify(dataTypeToJson(f.type))) out.push(`${column} was ${sqlTypeName(w.type)}, now ${sqlTypeName(f.type)}`);
    else if (!w.nullable && f.nullable) out.push(`${column} was ${sqlTypeName(w.type)} NOT NULL, now it may be null`);
  });
  return out;
}
