/**
 * A pipeline written as a SQL file, as `sluice run pipeline.sql` runs it (docs/cli.md):
 *   1. the file is parsed whole first, so a syntax error anywhere stops it before anything starts;
 *   2. statements run in order: `SET key = value` sets a session conf entry, `CREATE TEMP VIEW`
 *      registers a view, and each `INSERT INTO <format>.`<path>` [WITH (...)] query` starts a
 *      streaming query writing that sink (Delta's path-table form, for every sink format);
 *   3. WITH options `queryName`, `outputMode`, `trigger` and `partitionBy` configure the writer;
 *      every other one (checkpointLocation, mergeSchema, kafka.*, ...) is a sink option. Without
 *      a queryName the query is named after the sink path's last folder, so with
 *      `SET spark.sql.streaming.checkpointLocation = root` its checkpoint is `root/<that name>`,
 *      the same folder on every run.
 * Errors name the file and the statement's line.
 */
import { basename } from "node:path";
import { SluiceError } from "../common/errors.js";
import { DataFrame } from "../dataframe/dataframe.js";
import type { StreamingQueryHandle, TriggerSpec } from "../dataframe/executor.js";
import type { Session } from "../session/session.js";
import { type InsertIntoStatement, type Statement, parseScript } from "../sql/parser.js";
import { runDeltaStatement } from "../delta/sql-commands.js";

/** Sinks written as one name (`INSERT INTO console SELECT ...`). */
const NAME_ONLY_SINKS = new Set(["console"]);
const WRITER_OPTIONS = new Set(["queryname", "outputmode", "trigger", "partitionby"]);

const wrap = (e: unknown, where: string): never => {
  if (e instanceof SluiceError) throw new SluiceError(e.kind, e.code, `${where}: ${e.message}`, { ...e.context, file: where }, { cause: e.cause });
  throw e;
};

/** Run the file's statements on `spark`; resolves to the started queries, in the file's order. */
export async function startSqlPipeline(spark: Session, text: string, file: string): Promise<StreamingQueryHandle[]> {
  let statements: Statement[] = [];
  try {
    statements = parseScript(text);
  } catch (e) {
    wrap(e, file);
  }
  const queries: StreamingQueryHandle[] = [];
  for (const st of statements) {
    const where = `${file}:${"line" in st ? st.line : 1}`;
    try {
      switch (st.kind) {
        case "set":
          spark.conf.set(st.key, st.value);
          break;
        case "createView":
          if (st.ifNotExists && spark.catalog.listTables().includes(st.name.toLowerCase())) break;
          spark.executor.registerTempView(st.name, st.plan, st.replace);
          break;
        case "query":
          throw new SluiceError("analysis", "RUN_QUERY_WITHOUT_SINK", "A query on its own writes nowhere in a pipeline: write it with INSERT INTO <format>.`<path>` SELECT ...");
        case "insertInto":
          queries.push(await startInsert(spark, st));
          break;
        case "delta":
          // DELETE, MERGE, OPTIMIZE, VACUUM, ALTER TABLE ...: run to the end before the next statement
          await runDeltaStatement(spark, st).collect();
          break;
      }
    } catch (e) {
      await Promise.all(queries.map((q) => q.stop()));
      wrap(e, where);
    }
  }
  if (queries.length === 0) throw new SluiceError("analysis", "RUN_NO_QUERIES", `${file} starts no query: a pipeline needs at least one INSERT INTO <format>.\`<path>\` SELECT ... FROM STREAM ...`, { file });
  return queries;
}

/** `trigger` option text: an interval ("10 seconds"), 'availableNow' or 'once'. */
function triggerOf(text: string): TriggerSpec {
  const t = text.trim();
  if (/^availablenow$/i.test(t)) return { availableNow: true };
  if (/^once$/i.test(t)) return { once: true };
  return { processingTime: t };
}

async function startInsert(spark: Session, st: InsertIntoStatement): Promise<StreamingQueryHandle> {
  if (st.overwrite) throw new SluiceError("unsupported", "RUN_INSERT_OVERWRITE", "INSERT OVERWRITE cannot be a streaming query: use INSERT INTO (append, or WITH ('outputMode' = 'complete'))");
  const [format, target, ...rest] = st.nameParts;
  const fmt = format!.toLowerCase();
  if (rest.length > 0 || (target === undefined && !NAME_ONLY_SINKS.has(fmt))) {
    throw new SluiceError(
      "analysis",
      "RUN_SINK_NOT_A_PATH_TABLE",
      `INSERT INTO ${st.nameParts.join(".")}: name the sink as <format>.\`<path>\` (delta.\`/data/out\`, parquet.\`out/\`, kafka.\`topic\`) or console; Sluice has no table catalog`,
      { sink: st.nameParts.join(".") },
    );
  }
  const df = new DataFrame(spark.dfContext, st.plan);
  if (!df.isStreaming) {
    throw new SluiceError("analysis", "RUN_NOT_STREAMING", `INSERT INTO ${st.nameParts.join(".")} reads no stream: sluice run starts streaming queries; read with FROM STREAM read_files(...) or STREAM read_kafka(...)`);
  }
  const opt = (k: string): string | undefined => Object.entries(st.options).find(([key]) => key.toLowerCase() === k)?.[1];
  let w = df.writeStream.format(fmt).options(Object.fromEntries(Object.entries(st.options).filter(([k]) => !WRITER_OPTIONS.has(k.toLowerCase()))));
  if (fmt === "kafka") w = w.option("topic", target!);
  const name = opt("queryname") ?? (target !== undefined && fmt !== "kafka" ? basename(target) : target);
  if (name) w = w.queryName(name);
  if (opt("outputmode")) w = w.outputMode(opt("outputmode")!);
  if (opt("trigger")) w = w.trigger(triggerOf(opt("trigger")!));
  if (opt("partitionby")) w = w.partitionBy(...opt("partitionby")!.split(",").map((c) => c.trim()));
  return target === undefined || fmt === "kafka" ? w.start() : w.start(target);
}
