/**
 * Streaming file sink (Spark's FileStreamSink): data files for batch N are written first, as the
 * batch's rows stream in, then — only once every file is complete — the manifest
 * `<path>/_spark_metadata/N` lists them. Readers of the folder trust only the manifest, so files
 * of a batch that crashed or was stopped before its manifest are invisible, and a re-run batch
 * whose manifest exists is skipped without reading its rows — output is exactly-once per batchId.
 *
 * As Spark's CompactibleFileStreamLog, every `compactInterval`-th entry (batch N with
 * (N + 1) % interval == 0; spark.sql.streaming.fileSink.log.compactInterval, 10) is written as
 * `N.compact` holding every file committed up to N, so a reader starts from the newest compact
 * file instead of reading every entry. The entries it replaces stay (Spark deletes them after
 * spark.sql.streaming.fileSink.log.cleanupDelay; Sluice keeps them).
 */
import { pathToFileURL } from "node:url";
import { SluiceError } from "../../common/errors.js";
import { fileSystemFor } from "../../fs/file-systems.js";
import { isLocalPath, joinPath, qualifyPath } from "../../fs/path.js";
import type { BatchData, OutputMode, StreamSink } from "../api/sink.js";
import { FileStreamSinkLog, type SinkFileStatus } from "../files/sink-manifest.js";

export const manifestDir = (outputPath: string): string => joinPath(qualifyPath(outputPath), "_spark_metadata");

/**
 * Writes one batch's rows as data files under `dir` as they stream in and returns their paths
 * (none for a batch without rows); rethrows an error of the stream without listing anything.
 */
export type DataFileWriter = (data: BatchData, dir: string, batchId: number) => Promise<string[]>;

/** The sink log, writing compaction batches as `N.compact`. */
class CompactingSinkLog extends FileStreamSinkLog {
  constructor(
    dir: string,
    readonly compactInterval: number,
  ) {
    super(dir);
  }
  isCompactionBatch(batchId: number): boolean {
    return (batchId + 1) % this.compactInterval === 0;
  }
  /** A compaction batch's entry is `N.compact`, unless an older writer left it as plain `N`. */
  override pathOf(batchId: number): string {
    const plain = super.pathOf(batchId);
    return this.isCompactionBatch(batchId) && !fileSystemFor(plain).exists(plain) ? joinPath(this.dir, `${batchId}.compact`) : plain;
  }
}

export class FileStreamSink implements StreamSink {
  readonly #log: CompactingSinkLog;

  constructor(
    private readonly path: string,
    private readonly format: string,
    private readonly write: DataFileWriter,
    compactInterval = 10,
  ) {
    if (!Number.isInteger(compactInterval) || compactInterval <= 0) {
      throw new SluiceError("config", "INVALID_CONF_VALUE", `spark.sql.streaming.fileSink.log.compactInterval must be a positive integer, got ${compactInterval}`, { key: "spark.sql.streaming.fileSink.log.compactInterval" });
    }
    fileSystemFor(path).mkdirs(qualifyPath(path));
    this.#log = new CompactingSinkLog(manifestDir(path), compactInterval);
  }

  get description(): string {
    return `FileSink[${qualifyPath(this.path)}]`;
  }

  async addBatch(batchId: number, data: BatchData, outputMode: OutputMode): Promise<void> {
    if (outputMode !== "append") {
      throw new SluiceError("analysis", "STREAMING_OUTPUT_MODE_INVALID", `Data source ${this.format} does not support ${outputMode} output mode; file sinks support append only`);
    }
    const latest = this.#log.getLatest()?.batchId ?? -1;
    if (batchId <= latest) return; // already committed by an earlier run
    const files = await this.write(data, qualifyPath(this.path), batchId);
    const entries: SinkFileStatus[] = files.map((f) => {
      const st = fileSystemFor(f).getFileStatus(f)!;
      // Spark records each file as a URI: `file://` locally (test/checkpoint-damage/golden/spark-sink-manifest),
      // `s3a://…` on a store; given a plain path, Spark's reader of the folder finds none of the files and reads 0 rows.
      return { path: isLocalPath(f) ? pathToFileURL(f).href : f, size: st.length, isDir: false, modificationTime: st.modificationTime, blockReplication: 1, blockSize: 33554432, action: "add" };
    });
    // A compaction entry holds every file committed so far (deletes applied), then this batch's.
    this.#log.add(batchId, this.#log.isCompactionBatch(batchId) ? [...this.#log.committedFileStatuses(), ...entries] : entries);
  }
}
