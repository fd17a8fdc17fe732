/**
 * DESCRIBE DETAIL (Delta's DescribeDeltaDetailCommand): one row about the latest snapshot —
 * format, table id, name, description, location, creation time, time of the latest commit,
 * partition and clustering columns, live file count and bytes, properties, protocol versions
 * and table features (delta-spark 4.0's columns).
 */
import { StructType } from "../../types/struct-type.js";
import { loadSnapshot } from "../snapshot.js";

export const DETAIL_SCHEMA = StructType.fromDDL(
  "format STRING, id STRING, name STRING, description STRING, location STRING, createdAt TIMESTAMP, lastModified TIMESTAMP, " +
    "partitionColumns ARRAY<STRING>, clusteringColumns ARRAY<STRING>, numFiles BIGINT, sizeInBytes BIGINT, properties MAP<STRING, STRING>, " +
    "minReaderVersion INT, minWriterVersion INT, tableFeatures ARRAY<STRING>",
);

/** Features a protocol implies: its lists at (3, 7), else the legacy features its versions stand for (Delta's table). */
function tableFeatures(reader: number, writer: number, readerFeatures: readonly string[] = [], writerFeatures: readonly string[] = []): string[] {
  if (writer >= 7) return [...new Set([...readerFeatures, ...writerFeatures])].sort();
  const legacy: [number, number, string][] = [
    [1, 2, "appendOnly"],
    [1, 2, "invariants"],
    [1, 3, "checkConstraints"],
    [1, 4, "changeDataFeed"],
    [1, 4, "generatedColumns"],
    [2, 5, "columnMapping"],
    [1, 6, "identityColumns"],
  ];
  return legacy.filter(([r, w]) => reader >= r && writer >= w).map(([, , n]) => n).sort();
}

export async function detail(tablePath: string): Promise<Record<string, unknown>> {
  const snap = await loadSnapshot(tablePath);
  const { protocol: p, metadata: md } = snap;
  return {
    format: "delta",
    id: md.id,
    name: md.name ?? null,
    description: md.description ?? null,
    location: snap.tablePath,
    createdAt: md.createdTime !== undefined && md.createdTime !== null ? new Date(md.createdTime) : null,
    lastModified: new Date(snap.timestamps.get(snap.version) ?? Date.now()),
    partitionColumns: [...md.partitionColumns],
    clusteringColumns: [],
    numFiles: BigInt(snap.files.length),
    sizeInBytes: BigInt(snap.files.reduce((s, f) => s + f.size, 0)),
    properties: new Map(Object.entries(md.configuration)),
    minReaderVersion: p.minReaderVersion,
    minWriterVersion: p.minWriterVersion,
    tableFeatures: tableFeatures(p.minReaderVersion, p.minWriterVersion, p.readerFeatures ?? [], p.writerFeatures ?? []),
  };
}
