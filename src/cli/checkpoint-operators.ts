/**
 * The per-operator state of `sluice checkpoint inspect`, read through the state data source as a
 * user would: `format("state-metadata")` lists each stateful operator with its name, stores and
 * partitions, and `format("statestore")` with that operatorId and storeName counts each store's
 * entries at the last committed batch. The options shown are the ones that read the store.
 */
import { SluiceError } from "../common/errors.js";
import type { Session } from "../session/session.js";

export interface OperatorState {
  readonly operatorId: number;
  readonly operatorName: string;
  readonly numPartitions: number;
  /** Each store with its entry count at the last committed batch (null: not readable, with why). */
  readonly stores: readonly { readonly name: string; readonly rows: number | null; readonly error?: string }[];
}

/** The checkpoint's stateful operators (none before a stateful batch committed), read with `spark`. */
export async function operatorStates(spark: Session, dir: string): Promise<OperatorState[]> {
  const meta = await spark.read.format("state-metadata").load(dir).collect();
  const byId = new Map<number, { operatorName: string; numPartitions: number; names: string[] }>();
  for (const m of meta) {
    const id = Number(m.operatorId);
    const o = byId.get(id) ?? { operatorName: m.operatorName as string, numPartitions: m.numPartitions as number, names: [] };
    o.names.push(m.stateStoreName as string);
    byId.set(id, o);
  }
  const out: OperatorState[] = [];
  for (const [operatorId, o] of [...byId].sort((a, b) => a[0] - b[0])) {
    const stores = [];
    for (const name of o.names.sort()) {
      try {
        stores.push({ name, rows: await spark.read.format("statestore").option("operatorId", operatorId).option("storeName", name).load(dir).count() });
      } catch (e) {
        if (!(e instanceof SluiceError)) throw e;
        stores.push({ name, rows: null, error: e.message });
      }
    }
    out.push({ operatorId, operatorName: o.operatorName, numPartitions: o.numPartitions, stores });
  }
  return out;
}

/** The operators as the report's text section (empty without operators). */
export function formatOperatorStates(ops: readonly OperatorState[]): string {
  if (ops.length === 0) return "";
  const lines = ["", "stateful operators (rows at the last committed batch; read with spark.read.format(\"statestore\").option(\"operatorId\", …).option(\"storeName\", …)):"];
  for (const o of ops) {
    lines.push(`  operator ${o.operatorId}: ${o.operatorName}, ${o.numPartitions} partition(s)`);
    for (const s of o.stores) lines.push(`    ${s.name}: ${s.rows === null ? `unreadable (${s.error})` : `${s.rows} row(s)`}`);
  }
  return lines.join("\n") + "\n";
}
