/**
 * The DataFrame a SQL command returns while it runs. Spark runs a command (DELETE, MERGE,
 * VACUUM, …) when `spark.sql()` is called and hands back its result rows; Sluice's `spark.sql()`
 * is synchronous and Delta's commands are asynchronous, so:
 *   1. the command starts at once, after the session's previous command has settled (commands
 *      of one session run in the order they were issued);
 *   2. the DataFrame reads the command's result rows, waiting for it to end; every action on it
 *      gives the same rows (the command never runs twice) and a failed command's error;
 *   3. a command that fails before any action read its result also logs the error, so a
 *      statement nobody awaited does not fail silently.
 */
import type { ColumnBatch } from "../columnar/column-batch.js";
import { log } from "../common/logger.js";
import { executionError } from "../common/errors.js";
import { DataFrame } from "../dataframe/dataframe.js";
import { node } from "../plan/logical-plan.js";
import type { Session } from "../session/session.js";
import type { StructType } from "../types/struct-type.js";

const FORMAT = "sqlCommandResult";

interface Running {
  readonly schema: StructType;
  readonly batches: Promise<ColumnBatch[]>;
  read: boolean;
}

const running = new Map<string, Running>();
/** The last command each session started (commands of one session run one after another). */
const lastCommand = new WeakMap<Session, Promise<unknown>>();
const registered = new WeakSet<Session>();
const forget = new FinalizationRegistry<string>((id) => running.delete(id));
let nextId = 0;

/** Start `run` after the session's previous command and return the DataFrame of its result (`schema`). */
export function commandResult(spark: Session, schema: StructType, what: string, run: () => Promise<DataFrame | ColumnBatch[]>): DataFrame {
  register(spark);
  const id = String(nextId++);
  const previous = lastCommand.get(spark) ?? Promise.resolve();
  const batches = previous
    .catch(() => undefined)
    .then(run)
    .then((r) => (r instanceof DataFrame ? r.collectBatches() : r));
  const entry: Running = { schema, batches, read: false };
  running.set(id, entry);
  lastCommand.set(spark, batches);
  batches.catch((e: unknown) => {
    if (!entry.read) log.warn(`${what} failed: ${(e as Error).message}`);
  });
  const plan = node({ kind: "read", source: { format: FORMAT, paths: [], options: { id } }, streaming: false });
  // The result lives while a plan over it does (DataFrames derived from it share this node).
  forget.register(plan, id);
  return new DataFrame(spark.dfContext, plan);
}

function register(spark: Session): void {
  if (registered.has(spark)) return;
  registered.add(spark);
  const entryOf = (id: string | undefined): Running => {
    const e = id === undefined ? undefined : running.get(id);
    if (!e) throw executionError("SQL_COMMAND_RESULT_NOT_FOUND", `No SQL command result with id ${id} in this process`);
    return e;
  };
  spark.executor.registerSource(FORMAT, {
    schema: (spec) => entryOf(spec.options.id).schema,
    scan: (n) => {
      const e = entryOf(n.source.options.id);
      return {
        name: "CommandResultExec",
        schema: e.schema,
        children: [],
        describe: () => `CommandResult [${e.schema.fieldNames.join(", ")}]`,
        execute: async function* () {
          e.read = true;
          yield* await e.batches;
        },
      };
    },
  });
}
