/**
 * The public connector API (docs/connectors.md): a user's own streaming source and sink under a
 * format name, used as `spark.readStream.format("name").option(...).load()` and
 * `df.writeStream.format("name").start()`.
 *   - A `UserStreamSource` deals in rows and JSON offsets; this module adapts it to the engine's
 *     StreamSource (columnar batches, offsets logged in the checkpoint as JSON text).
 *   - A `UserStreamSink` receives each micro-batch's rows with its batch id; it must be idempotent
 *     per batch id (a batch re-run after a crash arrives again with the same id and rows).
 * Its factories receive the reader's or writer's options, as given.
 */
import { batchFromRows, batchToRows } from "../../columnar/column-batch.js";
import { SluiceError } from "../../common/errors.js";
import type { Clock } from "../../common/clock.js";
import type { StreamWriteSpec } from "../../dataframe/executor.js";
import type { ExecutionPlan } from "../../physical/execution-plan.js";
import type { DataSourceSpec } from "../../plan/logical-plan.js";
import type { RScan } from "../../plan/resolved-plan.js";
import type { StructTypeLike } from "../../types/data-type.js";
import { type StructType, toStructType } from "../../types/struct-type.js";
import type { OutputMode, StreamSink } from "./sink.js";
import type { StreamSource } from "./source.js";

/** A JSON value: what offsets are made of. */
export type JsonOffset = string | number | boolean | null | readonly JsonOffset[] | { readonly [key: string]: JsonOffset };
/** A row handed to or by a user connector: column name to value. */
export type UserRow = Record<string, unknown>;

/** A streaming source written by a user. Re-reading `(start, end]` must give the same rows. */
export interface UserStreamSource {
  /** DDL (`"id BIGINT, ts TIMESTAMP"`) or a StructType. */
  readonly schema: string | StructTypeLike;
  /** The offset before any data (a new query starts after it). */
  initialOffset(): JsonOffset;
  /** The newest offset available now (equal to `start` when nothing is new). */
  latestOffset(start: JsonOffset): JsonOffset | Promise<JsonOffset>;
  /** The rows after `start` up to and including `end`. */
  getRows(start: JsonOffset, end: JsonOffset): readonly UserRow[] | Promise<readonly UserRow[]> | AsyncIterable<UserRow>;
  /** Everything up to `end` is committed by the query: it may be forgotten. */
  commit?(end: JsonOffset): void | Promise<void>;
  stop?(): void | Promise<void>;
}

/** A streaming sink written by a user; `addBatch` must be idempotent per `batchId`. */
export interface UserStreamSink {
  addBatch(batchId: number, rows: readonly UserRow[], outputMode: OutputMode): void | Promise<void>;
  stop?(): void | Promise<void>;
}

/** What registration needs of the session. */
export interface ConnectorRegistry {
  readonly executor: { registerSource(format: string, impl: { schema(spec: DataSourceSpec, streaming: boolean): StructType }): void };
  readonly streamSources: { set(format: string, factory: (node: RScan, checkpointDir: string, clock: Clock) => StreamSource): unknown };
  readonly streamSinks: { set(format: string, factory: (spec: StreamWriteSpec, options: Record<string, string>, schema: StructType, checkpointDir: string) => StreamSink): unknown };
}

const checkFormat = (format: string): string => {
  if (!/^[a-zA-Z][\w.-]*$/.test(format)) throw new SluiceError("config", "INVALID_FORMAT_NAME", `A connector's format name must start with a letter and hold only letters, digits, '_', '.' and '-', got ${JSON.stringify(format)}`, { format });
  return format.toLowerCase();
};

/** Adapt a user source to the engine's StreamSource. */
export function userStreamSource(format: string, user: UserStreamSource): StreamSource {
  const schema = toStructType(user.schema);
  const description = `${format}[user source]`;
  return {
    schema,
    description,
    initialOffset: () => user.initialOffset(),
    latestOffset: async (start) => await user.latestOffset(start as JsonOffset),
    getBatch(start, end): ExecutionPlan {
      return {
        name: "UserSourceScanExec",
        schema,
        children: [],
        describe: () => `UserSourceScanExec: ${description} (${JSON.stringify(start)}, ${JSON.stringify(end)}]`,
        async *execute(ctx) {
          const got = await user.getRows(start as JsonOffset, end as JsonOffset);
          let block: UserRow[] = [];
          for await (const row of got as AsyncIterable<UserRow>) {
            block.push(row);
            if (block.length >= ctx.batchSize) {
              yield batchFromRows(schema, block);
              block = [];
            }
          }
          if (block.length > 0) yield batchFromRows(schema, block);
        },
      };
    },
    serializeOffset: (o) => JSON.stringify(o),
    deserializeOffset(json) {
      try {
        return JSON.parse(json) as JsonOffset;
      } catch {
        throw new SluiceError("input", "INVALID_OFFSET", `${description}: the checkpoint holds an offset that is not JSON: ${json}`);
      }
    },
    commit: async (end) => void (await user.commit?.(end as JsonOffset)),
    stop: async () => void (await user.stop?.()),
    defaultReadLimit: () => ({ kind: "all" }),
  };
}

/** Serve `create(options)` as the streaming source `format` of `spark` (`spark.readStream.format(format)`). */
export function registerStreamSource(spark: ConnectorRegistry, format: string, create: (options: Readonly<Record<string, string>>) => UserStreamSource): void {
  const name = checkFormat(format);
  spark.executor.registerSource(name, { schema: (spec) => toStructType(create(spec.options).schema) });
  spark.streamSources.set(name, (node) => userStreamSource(name, create(node.source.options)));
}

/** Serve `create(options)` as the streaming sink `format` of `spark` (`df.writeStream.format(format)`). */
export function registerStreamSink(spark: ConnectorRegistry, format: string, create: (options: Readonly<Record<string, string>>) => UserStreamSink): void {
  const name = checkFormat(format);
  spark.streamSinks.set(name, (spec) => {
    const user = create(spec.options);
    return {
      description: `${name}[user sink]`,
      async addBatch(batchId, data, outputMode) {
        const rows: UserRow[] = [];
        for await (const b of data.batches) rows.push(...batchToRows(b));
        await user.addBatch(batchId, rows, outputMode);
      },
      stop: async () => void (await user.stop?.()),
    };
  });
}
