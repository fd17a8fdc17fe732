/**
 * Secrets given through every option path — Kafka's SASL JAAS config, a JDBC URL and password, an
 * S3 secret key in the session conf, a custom sink option, a SQL table-function argument — appear
 * in no log line, progress report, explain() text, web UI answer, error message or checkpoint
 * file, even when a user function puts one into an error.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { setLogger } from "../../src/common/logger.js";
import { Session } from "../../src/index.js";

const work = mkdtempSync(join(tmpdir(), "sluice-redaction-"));
const SECRETS = { jaas: "jaas-Pw-1f9c", jdbc: "jdbc-Pw-77aa", jdbcUrl: "url-Pw-0b3e", s3: "s3-Secret-Key-5d21", custom: "custom-Token-9e40", sql: "sql-Token-c1d2" } as const;
const logLines: string[] = [];
setLogger({ debug: (m) => void logLines.push(m), info: (m) => void logLines.push(m), warn: (m) => void logLines.push(m), error: (m) => void logLines.push(m) });
const spark = Session.builder()
  .config("spark.ui.port", 0)
  .config("sluice.streaming.eventLog.enabled", true)
  .config("spark.hadoop.fs.s3a.secret.key", SECRETS.s3)
  .getOrCreate();
afterAll(async () => {
  await spark.stop();
  setLogger(null);
  rmSync(work, { recursive: true, force: true });
});

const seen: string[] = [];
const errorText = async (f: () => Promise<unknown>): Promise<string> => {
  try {
    await f();
  } catch (e) {
    // the message only: a cause is the foreign error as thrown (a user function's own Error stays as the user made it)
    const text = (e as Error).message;
    seen.push(text);
    return text;
  }
  throw new Error("expected an error");
};
const filesUnder = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? filesUnder(join(dir, n)) : [join(dir, n)]));

describe("secret redaction", () => {
  it("keeps every secret out of logs, progress, explain, the UI, errors and checkpoints", async () => {
    mkdirSync(join(work, "in"));
    writeFileSync(join(work, "in", "a.json"), '{"n":1}\n{"n":2}\n');
    const chk = join(work, "chk");

    // A running query: a custom option on the foreachBatch sink; the batch function fails with the secret in its message.
    const q = await spark.readStream
      .schema("n BIGINT")
      .json(join(work, "in"))
      .writeStream.option("checkpointLocation", chk)
      .option("apiToken", SECRETS.custom)
      .queryName("secretive")
      .foreachBatch(async (_df, batchId) => {
        if (batchId === 1) throw new Error(`upstream refused token ${SECRETS.custom}`);
      })
      .start();
    await q.processAllAvailable();
    seen.push(q.lastProgress!.json, q.explainString(), spark.sql(`SELECT * FROM STREAM read_files('${join(work, "in")}', format => 'json', schema => 'n BIGINT')`).explainString());
    const ui = (await spark.uiReady())!;
    const list = (await (await fetch(`${ui}/api/queries`)).text()) as string;
    seen.push(list, await (await fetch(`${ui}/api/queries/${q.runId}`)).text(), await (await fetch(`${ui}/StreamingQuery/`)).text());
    writeFileSync(join(work, "in", "b.json"), '{"n":3}\n');
    seen.push(await errorText(() => q.processAllAvailable()));
    expect(q.exception?.message).toContain("upstream refused token *********(redacted)");

    // Error paths of the other connectors' options.
    const jaas = `org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="${SECRETS.jaas}";`;
    seen.push(
      await errorText(async () => {
        const k = await spark.readStream.format("kafka").option("kafka.bootstrap.servers", "127.0.0.1:9").option("subscribe", "t").option("kafka.sasl.jaas.config", jaas).load().writeStream.format("console").start();
        await k.awaitTermination();
      }),
    );
    seen.push(await errorText(() => spark.read.format("jdbc").option("url", `jdbc:postgresql://127.0.0.1:9/db?user=u&password=${SECRETS.jdbcUrl}`).option("password", SECRETS.jdbc).option("dbtable", "t").load().collect()));
    seen.push(await errorText(async () => spark.sql(`SELECT * FROM STREAM read_files('${join(work, "in")}', format => 'json', schema => 'n BIGINT', sessionToken => '${SECRETS.sql}')`).writeStream.format("console").start()));
    seen.push(await errorText(() => spark.read.format("parquet").load(`s3a://bucket-${SECRETS.s3}/x`).collect()));

    const checkpointText = filesUnder(chk).map((f) => readFileSync(f, "latin1"));
    expect(filesUnder(chk).some((f) => f.includes("_events"))).toBe(true); // the event log (progress, plan, error) is among them
    const everything = [...seen, ...logLines, ...checkpointText].join("\n");
    for (const [where, s] of Object.entries(SECRETS)) expect(everything.includes(s), `${where} secret leaked: ${everything.split("\n").filter((l) => l.includes(s)).join("\n").slice(0, 600)}`).toBe(false);
    expect(everything).toContain("*********(redacted)");
  });
});
