/**
 * Streaming Delta sink (Delta's DeltaSink). Exactly-once per batch: every commit carries a
 * `txn` action with appId = the query id and version = the batch id, and a batch whose id is
 * already recorded for the query is skipped — so a batch re-run after a crash writes nothing.
 * One commit per batch: append mode adds files; complete mode replaces the whole table.
 * Update mode is refused at creation (Delta has no update semantics for a plain sink).
 */
import { unsupported } from "../../common/errors.js";
import { withFileSystemOptions } from "../../fs/file-systems.js";
import { readStreamMetadata } from "../../streaming/checkpoint/stream-metadata-file.js";
import type { BatchData, OutputMode, StreamSink } from "../api/sink.js";
import { writeDelta } from "./delta-writer.js";

export interface DeltaSinkOptions {
  readonly path: string;
  /** The query's checkpoint folder; its `metadata` file holds the query id (the txn appId). */
  readonly checkpointDir: string;
  readonly partitionBy: readonly string[];
  readonly mergeSchema: boolean;
  readonly outputMode: OutputMode;
  /** commitInfo.userMetadata of every batch's commit. */
  readonly userMetadata?: string;
  /** The session's spark.databricks.delta.properties.defaults.* for a table the first batch creates. */
  readonly defaultTableProperties?: Readonly<Record<string, string>>;
}

export class DeltaSink implements StreamSink {
  readonly description: string;
  #queryId: string | undefined;
  /** Rows written by the last batch (-1 when it was skipped as already committed). */
  lastOutputRows = -1;

  constructor(readonly options: DeltaSinkOptions) {
    if (options.outputMode === "update") {
      throw unsupported("DELTA_UNSUPPORTED_OUTPUT_MODE", `Data source delta does not support Update output mode; use outputMode("append") or "complete", or foreachBatch with DeltaTable.merge for upserts`, {
        mode: "update",
      });
    }
    this.description = `DeltaSink[${options.path}]`;
  }

  /**
   * The query id from the checkpoint metadata (created by the engine before the first batch),
   * read with the session configs: the sink's own file-system options are for its table only.
   */
  queryId(): string {
    return (this.#queryId ??= withFileSystemOptions({}, [], () => readStreamMetadata(this.options.checkpointDir).id));
  }

  async addBatch(batchId: number, data: BatchData, outputMode: OutputMode): Promise<void> {
    const queryId = this.queryId();
    const complete = outputMode === "complete";
    const res = await writeDelta(this.options.path, data.schema, data.batches, {
      mode: complete ? "overwrite" : "append",
      partitionBy: this.options.partitionBy,
      mergeSchema: this.options.mergeSchema,
      overwriteSchema: false,
      txn: { appId: queryId, version: batchId },
      operation: "STREAMING UPDATE",
      operationParameters: { outputMode: complete ? "Complete" : "Append", queryId, epochId: String(batchId) },
      ...(this.options.userMetadata !== undefined ? { userMetadata: this.options.userMetadata } : {}),
      ...(this.options.defaultTableProperties ? { defaultTableProperties: this.options.defaultTableProperties } : {}),
    });
    this.lastOutputRows = res.version === null ? -1 : res.numOutputRows;
  }
}
