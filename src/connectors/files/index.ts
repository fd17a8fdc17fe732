/**
 * File formats (json, csv, parquet, text) for batch reads and writes, and the per-file reader and
 * writer the streaming file source and sink use.
 */
export { asFileFormat, createFileScanExec, inferPartitionTypes, readFileBatches, readFilesBatches, resolveFileSource, streamingSourcePath } from "./file-source.js";
export { type WriteFilesSpec, partitionText, writeDataFiles, writeFiles } from "./write-files.js";
export { type FileFormat, type ParseMode, parseCsvReadOptions, parseJsonReadOptions, parseParquetReadOptions, parseTextReadOptions } from "./options.js";
export { readParquetSchema } from "./parquet-format.js";
