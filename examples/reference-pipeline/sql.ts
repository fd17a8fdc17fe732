/**
 * Run pipeline.sql with ${KAFKA_BOOTSTRAP}, ${TOPIC} and ${OUT} from the environment (${TRIGGER}: 1 second):
 *   KAFKA_BOOTSTRAP=127.0.0.1:PORT [TOPIC=events] [OUT=./reference-pipeline-sql] npx tsx examples/reference-pipeline/sql.ts
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startSqlPipeline } from "../../src/cli/sql-pipeline.js";
import { Session, type StreamingQuery } from "../../src/index.js";

export const SQL_FILE = join(dirname(fileURLToPath(import.meta.url)), "pipeline.sql");

/** pipeline.sql with its ${NAME} placeholders filled from `vars`; an unknown name is an error. */
export function pipelineSql(vars: Readonly<Record<string, string>>): string {
  return readFileSync(SQL_FILE, "utf8").replace(/\$\{(\w+)\}/g, (_, name: string) => {
    const v = vars[name];
    if (v === undefined) throw new Error(`${SQL_FILE}: no value for \${${name}}`);
    return v;
  });
}

export function startSqlReferencePipeline(spark: Session, vars: Readonly<Record<string, string>>): Promise<StreamingQuery[]> {
  return startSqlPipeline(spark, pipelineSql(vars), SQL_FILE) as Promise<StreamingQuery[]>;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const spark = Session.builder().appName("kafka-reference-pipeline-sql").getOrCreate();
  const vars = { KAFKA_BOOTSTRAP: process.env.KAFKA_BOOTSTRAP ?? "127.0.0.1:9092", TOPIC: process.env.TOPIC ?? "events", OUT: process.env.OUT ?? "./reference-pipeline-sql", TRIGGER: "1 second" };
  const queries = await startSqlReferencePipeline(spark, vars);
  console.log(`Started ${queries.map((q) => q.name).join(", ")}; Delta tables under ${vars.OUT}. Ctrl-C stops.`);
  process.on("SIGINT", () => void Promise.all(queries.map((q) => q.stop())).then(() => process.exit(0)));
}
