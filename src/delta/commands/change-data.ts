/**
 * Change data files of DML on a table with the change data feed on (`delta.enableChangeDataFeed`,
 * Delta's CDC writer): a copy-on-write DELETE, UPDATE or MERGE rewrites whole files, so its adds
 * and removes are not the feed; the commit carries `cdc` actions naming `_change_data/` files with
 * the changed rows only, each with its `_change_type` (delete, update_preimage, update_postimage,
 * insert), written as data files are (partition columns in the path and the action, not the file).
 */
import { type ColumnBatch, VectorBuilder, makeBatch } from "../../columnar/column-batch.js";
import { encodeParquet } from "../../connectors/files/parquet-format.js";
import { newDataFile, partitionGroups } from "../../connectors/delta/delta-writer.js";
import { relativeLogPath } from "../data-path.js";
import { fileSystemFor } from "../../fs/file-systems.js";
import { joinPath } from "../../fs/path.js";
import type { AddCDCFile, Metadata } from "../actions.js";
import { StructType } from "../../types/struct-type.js";
import type { ColumnMappingMode } from "../column-mapping.js";
import { physicalLayout } from "../column-mapping-writes.js";

export type ChangeType = "delete" | "update_preimage" | "update_postimage" | "insert";

/** True when the table records a change data feed. */
export function changeDataFeedEnabled(md: Metadata): boolean {
  return md.configuration["delta.enableChangeDataFeed"]?.toLowerCase() === "true";
}

/** Collects changed rows (in the table's schema) with their change type. */
export class ChangeRows {
  private readonly builders: VectorBuilder[];
  private readonly types: VectorBuilder;
  private n = 0;

  constructor(private readonly schema: StructType) {
    this.builders = schema.fields.map((f) => new VectorBuilder(f.type, 16));
    this.types = new VectorBuilder({ kind: "string" }, 16);
  }

  add(row: readonly unknown[], type: ChangeType): void {
    this.builders.forEach((b, j) => b.append(row[j]));
    this.types.append(type);
    this.n++;
  }

  get size(): number {
    return this.n;
  }

  /** Write the rows as change data files of `tablePath`, one per partition value (physical names under column mapping `mode`); their cdc actions. */
  write(tablePath: string, partitionColumns: readonly string[], mode: ColumnMappingMode = "none"): AddCDCFile[] {
    if (this.n === 0) return [];
    const schema = new StructType([...this.schema.fields, { name: "_change_type", type: { kind: "string" }, nullable: true }]);
    const batch: ColumnBatch = makeBatch(schema, [...this.builders.map((b) => b.finish()), this.types.finish()], this.n);
    const layout = physicalLayout(schema, partitionColumns, mode);
    return partitionGroups(layout.rows(batch), layout.partitionColumns).map((g) => {
      const { rel, abs } = newDataFile(joinPath(tablePath, "_change_data"), layout.partitionColumns, g.values, "cdc");
      const bytes = encodeParquet(g.data.schema, [g.data], "snappy");
      fileSystemFor(abs).create(abs, bytes, { overwrite: true });
      return { path: relativeLogPath(`_change_data/${rel}`), partitionValues: g.values, size: bytes.length, dataChange: false };
    });
  }
}
