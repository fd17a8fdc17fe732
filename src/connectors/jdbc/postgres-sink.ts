/**
 * The `postgres` streaming sink (beyond Spark, which has no streaming JDBC sink): exactly-once
 * into a PostgreSQL table. Each batch is one transaction that holds both its rows and its batch
 * id under the query's id (idempotent-write.ts), so after a crash either both are there or
 * neither is, and a re-run batch already applied is skipped. With `upsertKey` rows upsert by
 * key (append and update modes); without it they are appended; complete mode replaces the
 * table's rows. Update mode needs `upsertKey`. One connection, kept between batches.
 */
import type { Client } from "pg";
import { configError } from "../../common/errors.js";
import { readStreamMetadata } from "../../streaming/checkpoint/stream-metadata-file.js";
import type { StructType } from "../../types/struct-type.js";
import type { BatchData, OutputMode, StreamSink } from "../api/sink.js";
import { type PostgresSinkOptions, describeConnection } from "./jdbc-options.js";
import { writeOnce } from "./idempotent-write.js";
import { connect, pgError } from "./pg-client.js";

export class PostgresSink implements StreamSink {
  readonly description: string;
  readonly #o: PostgresSinkOptions;
  readonly #checkpointDir: string;
  readonly #sessionZone: string;
  #client: Client | undefined;
  #queryId: string | undefined;
  /** Rows written by the last batch (-1 when it was skipped as already applied). */
  lastOutputRows = -1;

  constructor(o: PostgresSinkOptions, schema: StructType, outputMode: OutputMode, checkpointDir: string, sessionZone: string) {
    if (outputMode === "update" && o.upsertKey.length === 0) {
      throw configError("POSTGRES_SINK_UPSERT_KEY_REQUIRED", `The postgres sink needs option("upsertKey", "col[,col...]") in update mode: each key's row replaces the previous one`, { format: "postgres", mode: "update" });
    }
    for (const k of o.upsertKey) {
      if (!schema.fields.some((f) => f.name === k)) throw configError("POSTGRES_SINK_UPSERT_KEY_NOT_FOUND", `upsertKey column ${k} is not a column of the stream: ${schema.simpleString()}`, { format: "postgres", column: k });
    }
    this.#o = o;
    this.#checkpointDir = checkpointDir;
    this.#sessionZone = sessionZone;
    this.description = `PostgresSink[${o.table} at ${describeConnection(o.connection)}${o.upsertKey.length > 0 ? `, upsertKey=${o.upsertKey.join(",")}` : ""}]`;
  }

  async addBatch(batchId: number, data: BatchData, outputMode: OutputMode): Promise<void> {
    const o = this.#o;
    const what = `writing batch ${batchId} to ${o.table}`;
    this.#queryId ??= readStreamMetadata(this.#checkpointDir).id;
    this.#client ??= await connect(o.connection, what);
    const client = this.#client;
    try {
      const w = { table: o.table, schema: data.schema, progressTable: o.progressTable, txn: { appId: this.#queryId, version: batchId }, upsertKey: o.upsertKey, batchSize: o.batchSize, sessionZone: this.#sessionZone, replace: outputMode === "complete" };
      this.lastOutputRows = (await writeOnce(client, w, data.batches)) ?? -1;
    } catch (e) {
      // The connection may be broken; a new one is made for the batch's re-run.
      this.#client = undefined;
      await client.end().catch(() => undefined);
      throw pgError(e, o.connection, what, { table: o.table });
    }
  }

  async stop(): Promise<void> {
    const c = this.#client;
    this.#client = undefined;
    await c?.end().catch(() => undefined);
  }
}
