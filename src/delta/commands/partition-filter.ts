/**
 * Files chosen by a predicate on partition columns alone (OPTIMIZE's `where`, a metadata-only
 * DELETE): the predicates are evaluated on one row per live file holding its partition values.
 * Returns null when a predicate does not resolve on the partition columns (it reads a data
 * column, or a column the table does not have), with the analyzer's message.
 */
import { VectorBuilder, getValue, makeBatch } from "../../columnar/column-batch.js";
import { DataFrame, type DataFrameContext } from "../../dataframe/dataframe.js";
import { node } from "../../plan/logical-plan.js";
import { StructType } from "../../types/struct-type.js";
import type { ActiveFile, Snapshot } from "../snapshot.js";
import { type Cond, toCol } from "./conditions.js";

export async function filesMatchingPartitions(ctx: DataFrameContext, snap: Snapshot, predicates: readonly Cond[]): Promise<{ files: ActiveFile[] } | { unresolved: string }> {
  const lower = snap.partitionColumns.map((c) => c.toLowerCase());
  const parts = snap.schema.fields.filter((f) => lower.includes(f.name.toLowerCase()));
  const schema = new StructType([...parts, { name: "__delta_file", type: { kind: "int" }, nullable: false }]);
  const builders = schema.fields.map((f) => new VectorBuilder(f.type, snap.files.length));
  snap.files.forEach((file, i) => {
    parts.forEach((p, j) => {
      const key = Object.keys(file.partitionData).find((k) => k.toLowerCase() === p.name.toLowerCase());
      builders[j]!.append(key === undefined ? null : file.partitionData[key]);
    });
    builders[parts.length]!.append(i);
  });
  let df = new DataFrame(ctx, node({ kind: "localRelation", schema, batches: [makeBatch(schema, builders.map((b) => b.finish()), snap.files.length)] }));
  for (const p of predicates) {
    try {
      df = df.filter(toCol(p));
      void df.schema;
    } catch (e) {
      return { unresolved: (e as Error).message };
    }
  }
  const picked = new Set<number>();
  for (const b of await df.collectBatches()) for (let r = 0; r < b.numRows; r++) picked.add(getValue(b.columns[parts.length]!, r) as number);
  return { files: snap.files.filter((_, i) => picked.has(i)) };
}
