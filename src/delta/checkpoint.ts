/**
 * Writing classic checkpoints (PROTOCOL.md §Checkpoints, §Last Checkpoint File):
 *   1. take the snapshot at version v (v.json must exist);
 *   2. write one row per action — protocol, metaData, txn per appId, live adds and unexpired
 *      tombstones, all with dataChange=false — into `<v>.checkpoint.parquet` using the
 *      protocol's checkpoint schema (stats as a JSON string column), create-only;
 *   3. replace `_last_checkpoint` with {version, size, sizeInBytes, numOfAddFiles}.
 * Writers call `maybeCheckpoint` after each commit: a checkpoint every
 * `delta.checkpointInterval` (default 10) versions.
 */
import { fileSystemFor } from "../fs/file-systems.js";
import { joinPath } from "../fs/path.js";
import { Bool, type DataType as ArrowType, Field, Int32, Int64, List, Map_, Struct, Table, Utf8, type Vector, vectorFromArray } from "apache-arrow";
import { writeFileAtomic } from "../streaming/checkpoint/atomic-file.js";
import { LogStore, padVersion } from "./log-store.js";
import { arrowToParquet } from "./parquet-io.js";
import { type Snapshot, loadSnapshot } from "./snapshot.js";

export const DEFAULT_CHECKPOINT_INTERVAL = 10;
/** `delta.deletedFileRetentionDuration` default: tombstones younger than this stay in checkpoints. */
const DEFAULT_TOMBSTONE_RETENTION_MS = 7 * 24 * 3600 * 1000;

const str = () => new Utf8();
const i64 = () => new Int64();
const field = (name: string, type: ArrowType) => new Field(name, type, true);
const strMap = () =>
  new Map_<Utf8, Utf8>(
    new Field("key_value", new Struct<{ key: Utf8; value: Utf8 }>([new Field("key", new Utf8(), false), new Field("value", new Utf8(), true)]), false),
    false,
  );
const strList = () => new List(new Field("element", new Utf8(), true));
const dvType = () =>
  new Struct([
    field("storageType", str()),
    field("pathOrInlineDv", str()),
    field("offset", new Int32()),
    field("sizeInBytes", new Int32()),
    field("cardinality", i64()),
    field("maxRowIndex", i64()),
  ]);

/** The checkpoint schema, column by column (as Spark writes it, without V2 columns). */
const COLUMNS: Record<string, () => Struct> = {
  txn: () => new Struct([field("appId", str()), field("version", i64()), field("lastUpdated", i64())]),
  add: () =>
    new Struct([
      field("path", str()),
      field("partitionValues", strMap()),
      field("size", i64()),
      field("modificationTime", i64()),
      field("dataChange", new Bool()),
      field("tags", strMap()),
      field("deletionVector", dvType()),
      field("stats", str()),
    ]),
  remove: () =>
    new Struct([
      field("path", str()),
      field("deletionTimestamp", i64()),
      field("dataChange", new Bool()),
      field("extendedFileMetadata", new Bool()),
      field("partitionValues", strMap()),
      field("size", i64()),
    ]),
  metaData: () =>
    new Struct([
      field("id", str()),
      field("name", str()),
      field("description", str()),
      field("format", new Struct([field("provider", str()), field("options", strMap())])),
      field("schemaString", str()),
      field("partitionColumns", strList()),
      field("configuration", strMap()),
      field("createdTime", i64()),
    ]),
  protocol: () =>
    new Struct([field("minReaderVersion", new Int32()), field("minWriterVersion", new Int32()), field("readerFeatures", strList()), field("writerFeatures", strList())]),
};

type Row = Record<string, unknown>;
const big = (n: number | null | undefined): bigint | null => (n === null || n === undefined ? null : BigInt(Math.trunc(n)));
const map = (o: Readonly<Record<string, string | null>> | null | undefined) => (o ? new Map(Object.entries(o)) : null);

/** Write the checkpoint of `snapshot` and point `_last_checkpoint` at it. Returns the action count. */
export function writeCheckpoint(snapshot: Snapshot, nowMs = Date.now()): number {
  const { protocol: p, metadata: m } = snapshot;
  const rows: Row[] = [
    {
      protocol: {
        minReaderVersion: p.minReaderVersion,
        minWriterVersion: p.minWriterVersion,
        readerFeatures: p.readerFeatures ?? null,
        writerFeatures: p.writerFeatures ?? null,
      },
    },
    {
      metaData: {
        id: m.id,
        name: m.name ?? null,
        description: m.description ?? null,
        format: { provider: m.format.provider, options: map(m.format.options) },
        schemaString: m.schemaString,
        partitionColumns: [...m.partitionColumns],
        configuration: map(m.configuration),
        createdTime: big(m.createdTime),
      },
    },
  ];
  for (const [appId, version] of snapshot.txnVersions) rows.push({ txn: { appId, version: big(version), lastUpdated: null } });
  for (const f of snapshot.files) {
    rows.push({
      add: {
        path: f.path,
        partitionValues: map(f.partitionValues),
        size: big(f.size),
        modificationTime: big(f.modificationTime),
        dataChange: false,
        tags: map(f.tags),
        deletionVector: null,
        stats: f.stats ?? null,
      },
    });
  }
  const retentionMs = retention(snapshot.configuration["delta.deletedFileRetentionDuration"]);
  for (const t of snapshot.tombstones) {
    if ((t.deletionTimestamp ?? 0) < nowMs - retentionMs) continue;
    rows.push({
      remove: {
        path: t.path,
        deletionTimestamp: big(t.deletionTimestamp),
        dataChange: false,
        extendedFileMetadata: t.extendedFileMetadata ?? null,
        partitionValues: map(t.partitionValues),
        size: big(t.size),
      },
    });
  }
  const columns: Record<string, Vector> = {};
  for (const [name, type] of Object.entries(COLUMNS)) {
    columns[name] = vectorFromArray(
      rows.map((r) => (r[name] ?? null) as never),
      type(),
    );
  }
  const bytes = arrowToParquet(new Table(columns));
  const store = new LogStore(snapshot.tablePath);
  const path = joinPath(store.logPath, `${padVersion(snapshot.version)}.checkpoint.parquet`);
  writeFileAtomic(path, bytes, { createOnly: true });
  store.writeLastCheckpoint({
    version: snapshot.version,
    size: rows.length,
    sizeInBytes: fileSystemFor(path).getFileStatus(path)?.length ?? bytes.length,
    numOfAddFiles: snapshot.files.length,
  });
  return rows.length;
}

/** Checkpoint version `version` when it is a multiple of the table's checkpoint interval. */
export async function maybeCheckpoint(tablePath: string, version: number, configuration: Readonly<Record<string, string>>): Promise<boolean> {
  const raw = Number(configuration["delta.checkpointInterval"] ?? DEFAULT_CHECKPOINT_INTERVAL);
  const interval = Number.isInteger(raw) && raw > 0 ? raw : DEFAULT_CHECKPOINT_INTERVAL;
  if (version === 0 || version % interval !== 0) return false;
  writeCheckpoint(await loadSnapshot(tablePath, { version }));
  return true;
}

/** Parse a Delta interval such as "interval 1 week" / "interval 168 hours"; default 1 week. */
export function retention(text: string | undefined): number {
  if (!text) return DEFAULT_TOMBSTONE_RETENTION_MS;
  const m = /^\s*(?:interval\s+)?(\d+)\s*(millisecond|second|minute|hour|day|week)s?\s*$/i.exec(text);
  if (!m) return DEFAULT_TOMBSTONE_RETENTION_MS;
  const unit: Record<string, number> = { millisecond: 1, second: 1e3, minute: 6e4, hour: 36e5, day: 864e5, week: 6048e5 };
  return Number(m[1]) * unit[m[2]!.toLowerCase()]!;
}
