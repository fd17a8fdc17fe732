/**
 * The built-in streaming connectors a Session registers: sources (memory is registered by the
 * session itself; files, rate, socket here) and file sinks. Heavy clients load lazily elsewhere;
 * these are all light.
 */
import { analysisError } from "../common/errors.js";
import { readFileBatches, readFilesBatches, streamingSourcePath, writeDataFiles } from "../connectors/files/index.js";
import { FileStreamSink } from "../connectors/file-stream/file-stream-sink.js";
import { FileStreamSource, parseFileStreamOptions } from "../connectors/file-stream/file-stream-source.js";
import { asNullable } from "../connectors/file-stream/as-nullable.js";
import { sinkWithFileSystemOptions, sourceWithFileSystemOptions } from "../connectors/api/file-system-scope.js";
import { withFileSystemOptions } from "../fs/file-systems.js";
import { RATE_SCHEMA, RateSource, parseRateOptions } from "../connectors/rate/rate-source.js";
import { SocketSource, parseSocketOptions, socketSchema } from "../connectors/socket/socket-source.js";
import { configError } from "../common/errors.js";
import type { DataSourceSpec } from "../plan/logical-plan.js";
import type { StructType } from "../types/struct-type.js";
import type { Session } from "./session.js";
import { createDeltaSink, createDeltaSource, deltaReadSchema, deltaScanExec } from "../connectors/delta/index.js";
import { sessionTableDefaults } from "../delta/table-properties.js";
import { createKafkaSink, createKafkaSource, kafkaBatchScan, kafkaReadSchema } from "../connectors/kafka/index.js";
import { createPostgresSink, jdbcReadSchema, jdbcScanExec } from "../connectors/jdbc/index.js";
import { stateMetadataReadSchema, stateMetadataScanExec, stateStoreReadSchema, stateStoreScanExec } from "../connectors/state/index.js";

export const FILE_FORMATS = ["json", "csv", "parquet", "text"] as const;

/** Streaming file sources need a schema unless spark.sql.streaming.schemaInference is on (Spark's rule). */
function streamingFileSchema(session: Session, spec: DataSourceSpec, batchSchema: () => StructType): StructType {
  if (spec.format === "text") return spec.userSchema ?? batchSchema();
  // Spark's spark.sql.streaming.fileSource.schema.forceNullable (default true): files may hold nulls whatever the schema says.
  if (spec.userSchema) return session.conf.get("spark.sql.streaming.fileSource.schema.forceNullable", "true") === "false" ? spec.userSchema : asNullable(spec.userSchema);
  if (session.conf.get("spark.sql.streaming.schemaInference") === "true") return batchSchema();
  throw analysisError(
    "STREAMING_SCHEMA_REQUIRED",
    `Schema must be specified when creating a streaming source DataFrame from ${spec.format} files (${spec.paths.join(", ")}): use readStream.schema("...") or set spark.sql.streaming.schemaInference=true to infer it from the files present at start.`,
    { format: spec.format },
  );
}

export function registerStreamConnectors(session: Session, resolveBatchSchema: (spec: DataSourceSpec) => StructType): void {
  const ex = session.executor;
  for (const format of FILE_FORMATS) {
    ex.registerStreamingSchema(format, (spec) => (streamingSourcePath(spec), streamingFileSchema(session, spec, () => resolveBatchSchema(spec))));
    // File and Delta sources and sinks work with their own fs.s3a.* / fs.azure.* options in scope (connectors/api/file-system-scope.ts).
    session.streamSources.set(format, (scan, dir) => {
      const o = scan.source.options;
      const path = streamingSourcePath(scan.source);
      return sourceWithFileSystemOptions(o, [path], withFileSystemOptions(o, [path], () => new FileStreamSource(scan.dataSchema, format, path, o, parseFileStreamOptions(o), dir, readFileBatches, readFilesBatches)));
    });
    session.streamSinks.set(format, (spec, options) => {
      if (!spec.path && !options.path) throw configError("PATH_REQUIRED", `The ${format} sink needs an output path: start("out/") or option("path", ...)`);
      const out = spec.path ?? options.path!;
      const sink = withFileSystemOptions(spec.options, [out], () =>
        new FileStreamSink(out, format, (data, dir, batchId) =>
          writeDataFiles(data.schema, data.batches, dir, { format, options: spec.options, partitionBy: spec.partitionBy, batchId, timeZone: session.conf.get("spark.sql.session.timeZone")! }),
          Number(session.conf.get("spark.sql.streaming.fileSink.log.compactInterval", "10")),
        ),
      );
      return sinkWithFileSystemOptions(spec.options, [out], sink);
    });
  }

  // Delta (connectors/delta): batch read with time travel, streaming source and sink.
  ex.registerSource("delta", { schema: (spec, streaming) => deltaReadSchema(spec, streaming), scan: (node) => deltaScanExec(node.source, node.dataSchema, node.streaming) });
  session.streamSources.set("delta", (scan, dir) => {
    const { options, paths } = scan.source;
    return sourceWithFileSystemOptions(options, paths, withFileSystemOptions(options, paths, () => createDeltaSource(scan.source, scan.dataSchema, dir, session.conf.getAll())));
  });
  // The sink reads the query id (its txn appId) from the query's checkpoint.
  session.streamSinks.set("delta", (spec, options, _schema, checkpointDir) => {
    const paths = [spec.path ?? options.path].filter((p) => p !== undefined);
    return sinkWithFileSystemOptions(spec.options, paths, withFileSystemOptions(spec.options, paths, () => createDeltaSink(spec.path ?? options.path, checkpointDir, spec, sessionTableDefaults(session.conf.getAll()))));
  });

  // JDBC (connectors/jdbc): PostgreSQL batch reads; the exactly-once postgres sink keys its progress by the query id.
  const zone = () => session.conf.get("spark.sql.session.timeZone")!;
  ex.registerSource("jdbc", { schema: jdbcReadSchema, scan: (node, hints) => jdbcScanExec(node, hints.columns, hints.filters, zone()) });
  session.streamSinks.set("postgres", (spec, _options, schema, checkpointDir) => createPostgresSink(spec, schema, checkpointDir, zone()));

  // Kafka (connectors/kafka): batch read, streaming source and sink; the client loads on first use.
  ex.registerSource("kafka", { schema: kafkaReadSchema, scan: (node) => kafkaBatchScan(node.source, node.streaming) });
  session.streamSources.set("kafka", (scan, dir, clock) => createKafkaSource(scan.source, dir, clock));
  session.streamSinks.set("kafka", (spec, _options, schema, checkpointDir) => createKafkaSink(spec.options, schema, checkpointDir));

  // State data source (connectors/state): a checkpoint's state as a batch table.
  ex.registerSource("statestore", { schema: stateStoreReadSchema, scan: stateStoreScanExec });
  ex.registerSource("state-metadata", { schema: stateMetadataReadSchema, scan: stateMetadataScanExec });

  ex.registerSource("rate", { schema: (spec, streaming) => (streaming ? (parseRateOptions(spec.options), RATE_SCHEMA) : notBatch("rate")) });
  session.streamSources.set("rate", (scan, dir, clock) => new RateSource(parseRateOptions(scan.source.options), clock, dir));

  ex.registerSource("socket", { schema: (spec, streaming) => (streaming ? socketSchema(parseSocketOptions(spec.options).includeTimestamp) : notBatch("socket")) });
  session.streamSources.set("socket", (scan, _dir, clock) => new SocketSource(parseSocketOptions(scan.source.options), () => clock.now()));
}

function notBatch(format: string): never {
  throw analysisError("STREAMING_ONLY_SOURCE", `The ${format} source can only be read with spark.readStream`, { format });
}
