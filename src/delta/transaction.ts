/**
 * OptimisticTransaction (PROTOCOL.md §Optimistic Concurrency Control; Delta's
 * OptimisticTransaction / ConflictChecker). Steps:
 *   1. `start` reads the latest snapshot (version V, or -1 for a new table);
 *   2. the caller stages actions (createTable / updateMetadata, add, remove, setTxn) and records
 *      what it read (txnVersion, readFiles, readWholeTable);
 *   3. `commit` checks the writer gate and the staged actions, then publishes V+1 create-only;
 *   4. if another writer won version N, its commit is read and checked against ours:
 *      protocol / metaData changes, a txn for an appId we read or write, a remove of a file we
 *      remove or read, and (when we read the whole table) any data change fail with a conflict
 *      error; otherwise the same actions are retried at N+1;
 *   5. after success, a checkpoint is written when the version is a multiple of the interval.
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { SluiceError, analysisError, executionError, unsupported } from "../common/errors.js";
import { StructType } from "../types/struct-type.js";
import { columnMappingMode, physicalName } from "./column-mapping.js";
import { type Action, type AddCDCFile, type AddFile, type CommitInfo, type Metadata, type Protocol, type RemoveFile, action } from "./actions.js";
import { maybeCheckpoint } from "./checkpoint.js";
import { fileKey } from "./log-replay.js";
import { LOG_DIR, LogStore, commitFileName } from "./log-store.js";
import { FEATURE_PREFIX, checkWriteSupported, isAppendOnly, protocolForNewTable } from "./protocol.js";
import { withTypeFeatures } from "./timestamp-ntz-feature.js";
import { type Snapshot, loadSnapshot } from "./snapshot.js";

export const ENGINE_INFO = "Sluice/0.1.0";
const DEFAULT_MAX_ATTEMPTS = 10_000;

export interface CreateTableSpec {
  readonly schema: StructType;
  readonly partitionColumns?: readonly string[];
  readonly configuration?: Readonly<Record<string, string>>;
  readonly name?: string;
  readonly description?: string;
}

export interface CommitOptions {
  /** Spark's operation name: `WRITE`, `STREAMING UPDATE`, `CREATE TABLE`, `DELETE`, … */
  readonly operation: string;
  readonly operationParameters?: Readonly<Record<string, unknown>>;
  readonly operationMetrics?: Readonly<Record<string, string>>;
  /** Attempts before giving up with DELTA_MAX_COMMIT_RETRIES_EXCEEDED (default 10 000). */
  readonly maxAttempts?: number;
  /** Write checkpoints every `delta.checkpointInterval` versions (default true). */
  readonly checkpoint?: boolean;
  /** commitInfo.userMetadata (Delta's `userMetadata` write option). */
  readonly userMetadata?: string;
}

export class OptimisticTransaction {
  private newMetadata: Metadata | null = null;
  private newProtocol: Protocol | null = null;
  private readonly adds = new Map<string, AddFile>();
  private readonly removes = new Map<string, RemoveFile>();
  private readonly cdcs: AddCDCFile[] = [];
  private readonly txns = new Map<string, number>();
  private readonly readAppIds = new Set<string>();
  private readonly readKeys = new Set<string>();
  private readAll = false;
  private committed = false;

  private constructor(
    readonly tablePath: string,
    readonly snapshot: Snapshot | null,
  ) {}

  /** Start a transaction on the latest version (a missing table starts at version -1). */
  static async start(tablePath: string): Promise<OptimisticTransaction> {
    try {
      return new OptimisticTransaction(tablePath, await loadSnapshot(tablePath));
    } catch (e) {
      if (e instanceof SluiceError && e.code === "DELTA_TABLE_NOT_FOUND") return new OptimisticTransaction(tablePath, null);
      throw e;
    }
  }

  /** The version this transaction read (-1 for a new table). */
  get readVersion(): number {
    return this.snapshot?.version ?? -1;
  }

  /** The metadata the commit will leave in force. */
  get metadata(): Metadata | null {
    return this.newMetadata ?? this.snapshot?.metadata ?? null;
  }

  /** Stage protocol (1, 2) and a new metaData; only for a table that does not exist yet. */
  createTable(spec: CreateTableSpec): this {
    if (this.snapshot) {
      throw analysisError("DELTA_TABLE_ALREADY_EXISTS", `Delta table ${this.tablePath} already exists (version ${this.snapshot.version})`, {
        table: this.tablePath,
      });
    }
    if (spec.schema.length === 0) throw analysisError("DELTA_EMPTY_SCHEMA", `Cannot create Delta table ${this.tablePath} with an empty schema`);
    for (const c of spec.partitionColumns ?? []) {
      if (spec.schema.indexOf(c) < 0) {
        throw analysisError("DELTA_PARTITION_COLUMN_NOT_FOUND", `Partition column \`${c}\` is not in the schema ${spec.schema.simpleString()}`, {
          column: c,
        });
      }
    }
    this.newProtocol = withTypeFeatures(protocolForNewTable(spec.configuration ?? {}), spec.schema);
    this.newMetadata = {
      id: randomUUID(),
      ...(spec.name ? { name: spec.name } : {}),
      ...(spec.description ? { description: spec.description } : {}),
      format: { provider: "parquet", options: {} },
      schemaString: spec.schema.json(),
      partitionColumns: [...(spec.partitionColumns ?? [])],
      // delta.feature.<name> = supported asks for a feature in the protocol; it is not a property (delta-spark does not store it)
      configuration: Object.fromEntries(Object.entries(spec.configuration ?? {}).filter(([k]) => !k.toLowerCase().startsWith(FEATURE_PREFIX))),
      createdTime: Date.now(),
    };
    return this;
  }

  /** Stage a full replacement metaData (schema evolution): a copy of the current one with changes. */
  updateMetadata(changes: Partial<Pick<Metadata, "schemaString" | "partitionColumns" | "configuration" | "name" | "description">>): this {
    const base = this.metadata;
    if (!base) throw this.noTable();
    this.newMetadata = { ...base, ...changes };
    return this;
  }

  /** Stage a new protocol for an existing table (ALTER TABLE turning on a feature that needs one). */
  /** The protocol the commit will carry: the staged upgrade, else the snapshot's. */
  get newProtocolOrCurrent(): Protocol {
    if (!this.snapshot) throw this.noTable();
    return this.newProtocol ?? this.snapshot.protocol;
  }

  upgradeProtocol(protocol: Protocol): this {
    if (!this.snapshot) throw this.noTable();
    this.newProtocol = protocol;
    return this;
  }

  /** Stage an added data file. */
  add(file: AddFile): this {
    const key = fileKey(this.tablePath, file.path, file.deletionVector);
    if (this.adds.has(key)) throw duplicate(`add for path ${file.path}`);
    this.adds.set(key, file);
    return this;
  }

  /** Stage a change data file (`cdc`: the commit's change data feed, written by DML on a change-feed table). */
  addCdc(file: AddCDCFile): this {
    this.cdcs.push(file);
    return this;
  }

  /** Stage a removed data file (a tombstone with deletionTimestamp = now unless given). */
  remove(file: RemoveFile): this {
    const key = fileKey(this.tablePath, file.path, file.deletionVector);
    if (this.removes.has(key)) throw duplicate(`remove for path ${file.path}`);
    this.removes.set(key, { ...file, deletionTimestamp: file.deletionTimestamp ?? Date.now() });
    this.readKeys.add(key); // a remove reads the file it removes
    return this;
  }

  /** Stage a `txn` action: this commit is the `version` of application `appId`. */
  setTxn(appId: string, version: number): this {
    if (this.txns.has(appId)) throw duplicate(`txn for appId ${appId}`);
    this.txns.set(appId, version);
    return this;
  }

  /** The table's latest version for `appId`, or -1; a concurrent txn for it becomes a conflict. */
  txnVersion(appId: string): number {
    this.readAppIds.add(appId);
    return this.snapshot?.txnVersions.get(appId) ?? -1;
  }

  /** Record that these files were read: a concurrent remove of one of them is a conflict. */
  readFiles(paths: readonly string[]): this {
    for (const p of paths) this.readKeys.add(fileKey(this.tablePath, p, null));
    return this;
  }

  /** Record a read of the whole table (overwrite, MERGE): any concurrent data change conflicts. */
  readWholeTable(): this {
    this.readAll = true;
    return this;
  }

  /** True when the commit only adds files and read nothing. */
  get isBlindAppend(): boolean {
    return this.removes.size === 0 && !this.readAll && this.readKeys.size === 0 && this.newMetadata === null;
  }

  /** Publish the staged actions; returns the committed version. */
  async commit(options: CommitOptions): Promise<number> {
    if (this.committed) throw executionError("DELTA_TRANSACTION_ALREADY_COMMITTED", "This transaction has already committed; start a new one");
    const metadata = this.metadata;
    if (!metadata) throw this.noTable();
    const protocol = this.newProtocol ?? this.snapshot!.protocol;
    checkWriteSupported(protocol, metadata, this.tablePath);
    this.checkStaged(metadata, protocol);
    const store = new LogStore(this.tablePath);
    const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    let version = this.readVersion + 1;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (store.writeCommit(version, this.actions(options))) {
        this.committed = true;
        if (options.checkpoint !== false) {
          try {
            await maybeCheckpoint(this.tablePath, version, metadata.configuration);
          } catch {
            // A checkpoint is an optimisation: the commit stands even when it cannot be written.
          }
        }
        return version;
      }
      this.checkConflicts(version, await store.readCommit(version));
      version++;
    }
    throw executionError(
      "DELTA_MAX_COMMIT_RETRIES_EXCEEDED",
      `Gave up committing to Delta table ${this.tablePath} after ${maxAttempts} attempts: other writers kept winning. Retry later.`,
      { table: this.tablePath },
    );
  }

  /** The commit's actions: commitInfo first, then protocol, metaData, txn, removes, adds, cdc. */
  private actions(options: CommitOptions): Action[] {
    const bytes = [...this.adds.values()].reduce((s, a) => s + a.size, 0);
    const info: CommitInfo = {
      timestamp: Date.now(),
      operation: options.operation,
      operationParameters: options.operationParameters ?? {},
      ...(this.readVersion >= 0 ? { readVersion: this.readVersion } : {}),
      isolationLevel: "Serializable",
      isBlindAppend: this.isBlindAppend,
      operationMetrics: options.operationMetrics ?? { numFiles: String(this.adds.size), numOutputBytes: String(bytes) },
      engineInfo: ENGINE_INFO,
      txnId: randomUUID(),
      ...(options.userMetadata !== undefined ? { userMetadata: options.userMetadata } : {}),
    };
    const out: Action[] = [action("commitInfo", info)];
    if (this.newProtocol) out.push(action("protocol", this.newProtocol));
    if (this.newMetadata) out.push(action("metaData", this.newMetadata));
    const now = Date.now();
    for (const [appId, version] of this.txns) out.push(action("txn", { appId, version, lastUpdated: now }));
    for (const r of this.removes.values()) out.push(action("remove", r));
    for (const a of this.adds.values()) out.push(action("add", a));
    for (const c of this.cdcs) out.push(action("cdc", c));
    return out;
  }

  private checkStaged(md: Metadata, protocol: Protocol): void {
    if (isAppendOnly(md)) {
      const r = [...this.removes.values()].find((x) => x.dataChange);
      if (r) {
        throw unsupported(
          "DELTA_CANNOT_MODIFY_APPEND_ONLY",
          `Delta table ${this.tablePath} is append-only (delta.appendOnly=true): cannot remove ${r.path}. Only appends are allowed.`,
          { table: this.tablePath, path: r.path },
        );
      }
    }
    const vectors = (protocol.writerFeatures ?? []).includes("deletionVectors");
    const mode = columnMappingMode(md.configuration, this.tablePath);
    const schema = mode === "none" ? null : StructType.fromJson(md.schemaString);
    // partition values are keyed by physical name under column mapping
    const keys = md.partitionColumns.map((c) => (schema ? physicalName(schema.fields[schema.indexOf(c)]!, mode) : c));
    for (const a of this.adds.values()) {
      if (a.deletionVector && !vectors) {
        throw unsupported(
          "DELTA_UNSUPPORTED_FEATURE",
          `Cannot add ${a.path} with a deletion vector to Delta table ${this.tablePath}: its protocol does not list the deletionVectors writer feature`,
          { table: this.tablePath, feature: "deletionVectors", path: a.path },
        );
      }
      for (const c of keys) {
        if (!(c in a.partitionValues)) {
          throw analysisError(
            "DELTA_MISSING_PARTITION_VALUE",
            `Data file ${a.path} has no value for partition column \`${c}\` of Delta table ${this.tablePath}`,
            { path: a.path, column: c },
          );
        }
      }
    }
  }

  /** Check a winning commit against what this transaction read and writes. */
  private checkConflicts(version: number, winner: readonly Action[]): void {
    const fail = (code: string, what: string) =>
      new SluiceError(
        "execution",
        code,
        `Concurrent modification of Delta table ${this.tablePath}: ${what} (committed at version ${version}, this transaction read version ${this.readVersion}). Retry the operation.`,
        { table: this.tablePath, version },
      );
    for (const a of winner) {
      switch (a.kind) {
        case "protocol":
          throw fail(
            "DELTA_PROTOCOL_CHANGED",
            this.readVersion < 0 ? "the table was created concurrently by another writer" : "the protocol version was changed",
          );
        case "metaData":
          throw fail("DELTA_METADATA_CHANGED", "the table metadata (schema, partitioning or properties) was changed");
        case "txn":
          if (this.readAppIds.has(a.value.appId) || this.txns.has(a.value.appId)) {
            throw fail("DELTA_CONCURRENT_TRANSACTION", `another writer committed a txn for application ${a.value.appId}`);
          }
          break;
        case "remove": {
          const key = fileKey(this.tablePath, a.value.path, a.value.deletionVector, { action: "remove", file: join(this.tablePath, LOG_DIR, commitFileName(version)), version });
          if (this.removes.has(key)) throw fail("DELTA_CONCURRENT_DELETE_DELETE", `file ${a.value.path} was removed by another writer`);
          if (this.readKeys.has(key) || (this.readAll && a.value.dataChange)) {
            throw fail("DELTA_CONCURRENT_DELETE_READ", `file ${a.value.path}, which this transaction read, was removed`);
          }
          break;
        }
        case "add":
          if (this.readAll && a.value.dataChange) throw fail("DELTA_CONCURRENT_APPEND", `file ${a.value.path} was added to data this transaction read`);
          break;
        default:
          break;
      }
    }
  }

  private noTable(): SluiceError {
    return new SluiceError(
      "analysis",
      "DELTA_TABLE_NOT_FOUND",
      `${this.tablePath} is not a Delta table: create it first (createTable) in this transaction`,
      { table: this.tablePath },
    );
  }
}

const duplicate = (what: string) =>
  analysisError("DELTA_DUPLICATE_ACTIONS_FOUND", `A Delta commit may hold at most one ${what}; it was staged twice`);

/** The latest version of `appId` in a snapshot, or -1 (Spark's `txnVersion`). */
export { txnVersion } from "./snapshot.js";
