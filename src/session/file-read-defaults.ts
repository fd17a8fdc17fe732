/**
 * Session configs that file readers take as option defaults, as Spark's FileSourceOptions does:
 * `spark.sql.files.ignoreMissingFiles` and `spark.sql.files.ignoreCorruptFiles` apply to every
 * json/csv/parquet/text read and stream that does not set the option itself. Only a config set to
 * true is passed on (false is every reader's default), so a query's recorded source options stay
 * as the user wrote them unless the config changes what the query does.
 */
import type { RuntimeConfig } from "./runtime-config.js";
import { FILE_FORMATS } from "./stream-connectors.js";

const CONF_OPTIONS = [
  ["spark.sql.files.ignoreMissingFiles", "ignoreMissingFiles"],
  ["spark.sql.files.ignoreCorruptFiles", "ignoreCorruptFiles"],
] as const;

export function fileReadDefaults(format: string, conf: RuntimeConfig): Record<string, string> {
  if (!(FILE_FORMATS as readonly string[]).includes(format)) return {};
  return Object.fromEntries(CONF_OPTIONS.filter(([key]) => conf.get(key) === "true").map(([, option]) => [option, "true"]));
}
