/**
 * Sluice: Spark's DataFrame and Structured Streaming model as an embedded TypeScript engine.
 * The public API follows PySpark's names (see API.md).
 */
export { Session, SessionBuilder } from "./session/session.js";
export { RuntimeConfig } from "./session/runtime-config.js";
export { DataFrame, type Row } from "./dataframe/dataframe.js";
export { GroupedData } from "./dataframe/grouped-data.js";
export { DataFrameNaFunctions } from "./dataframe/na-functions.js";
export { StorageLevel } from "./dataframe/storage-level.js";
export { DataFrameReader } from "./dataframe/dataframe-reader.js";
export { DataFrameWriter } from "./dataframe/dataframe-writer.js";
export { Column } from "./expr/column.js";
export { Window, WindowSpec } from "./expr/window-spec.js";
export * as functions from "./expr/functions.js";
export { col, lit, expr } from "./expr/functions.js";
export { SluiceError, type ErrorKind } from "./common/errors.js";
export * from "./types/index.js";
// Delta Lake (src/delta/delta-table.ts)
export { DeltaTable, DeltaMergeBuilder } from "./delta/delta-table.js";
