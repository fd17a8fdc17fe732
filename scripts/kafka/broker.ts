/**
 * A single-node Apache Kafka 4.x broker in KRaft mode (broker and controller in one JVM) on
 * 127.0.0.1, for tests and local use. The jars come from `bash scripts/kafka/setup.sh` (.kafka/libs).
 *
 *   1. Pick two free loopback ports (client listener, controller listener).
 *   2. Write server.properties: transactions and topic deletion on, every internal topic
 *      (consumer offsets, transaction state log) with replication factor 1 and min.insync 1.
 *   3. Format the storage folder with a fresh cluster id (kafka.tools.StorageTool).
 *   4. Start kafka.Kafka detached, logging to <dataDir>/server.log; ready when the log says
 *      "Kafka Server started".
 *   5. With `ownerPid`, a detached watchdog kills the broker and removes its folder once that
 *      process has gone, so a test run that dies never leaves a broker behind
 *      (scripts/support/server-process.ts, shared with the other test servers).
 *
 * CLI (package.json `kafka:start` / `kafka:stop`): `tsx scripts/kafka/broker.ts start|stop`;
 * start prints `KAFKA_BOOTSTRAP=127.0.0.1:<port>` as its last line and returns, leaving the
 * broker running; its state lives in .kafka/run/ until `stop`.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { freePort } from "../support/free-port.js";
import { launchServer, stopServer } from "../support/server-process.js";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const KAFKA_LIBS = join(ROOT, ".kafka", "libs");
const RUN_DIR = join(ROOT, ".kafka", "run");
const READY_LINE = "Kafka Server started";

export interface BrokerHandle {
  readonly bootstrap: string;
  readonly pid: number;
  readonly dataDir: string;
  /** The SASL_SSL listener (PLAIN over TLS, self-signed certificate), when started with `saslSsl`. */
  readonly saslSsl?: SaslSslListener;
}

/** A SASL/PLAIN-over-TLS listener, as Azure Event Hubs' Kafka endpoint is reached. */
export interface SaslSslListener {
  readonly bootstrap: string;
  /** PEM certificate the broker presents (self-signed for 127.0.0.1 and localhost): a client's trust store. */
  readonly caFile: string;
  readonly username: string;
  readonly password: string;
}

const SASL_USER = "sluice";
const SASL_PASSWORD = "sluice-secret";

/**
 * A self-signed certificate and key for 127.0.0.1/localhost (openssl), as one PEM file the
 * broker reads as its key store (ssl.keystore.type=PEM) and the certificate alone for clients.
 */
function selfSignedPem(dataDir: string): { keystore: string; cert: string } {
  const key = join(dataDir, "tls-key.pem");
  const cert = join(dataDir, "tls-cert.pem");
  const r = spawnSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "7", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`Creating the broker's TLS certificate with openssl failed: ${r.stderr || r.error?.message}`);
  const keystore = join(dataDir, "tls-keystore.pem");
  writeFileSync(keystore, readFileSync(key, "utf8") + readFileSync(cert, "utf8"));
  return { keystore, cert };
}

/** server.properties lines of the SASL_SSL listener on `port`. */
function saslSslProperties(keystore: string): string[] {
  const jaas = `org.apache.kafka.common.security.plain.PlainLoginModule required username="${SASL_USER}" password="${SASL_PASSWORD}" user_${SASL_USER}="${SASL_PASSWORD}";`;
  return [
    "sasl.enabled.mechanisms=PLAIN",
    `listener.name.sasl_ssl.plain.sasl.jaas.config=${jaas}`,
    "listener.name.sasl_ssl.ssl.keystore.type=PEM",
    `listener.name.sasl_ssl.ssl.keystore.location=${keystore}`,
  ];
}


function serverProperties(dataDir: string, port: number, controllerPort: number, sasl?: { port: number; keystore: string }): string {
  const saslListener = sasl ? `,SASL_SSL://127.0.0.1:${sasl.port}` : "";
  return [
    "process.roles=broker,controller",
    "node.id=1",
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}${saslListener}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}${saslListener}`,
    "controller.listener.names=CONTROLLER",
    "inter.broker.listener.name=PLAINTEXT",
    `listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT${sasl ? ",SASL_SSL:SASL_SSL" : ""}`,
    ...(sasl ? saslSslProperties(sasl.keystore) : []),
    `log.dirs=${join(dataDir, "logs")}`,
    "num.partitions=1",
    "default.replication.factor=1",
    "min.insync.replicas=1",
    "offsets.topic.replication.factor=1",
    "offsets.topic.num.partitions=4",
    "transaction.state.log.replication.factor=1",
    "transaction.state.log.min.isr=1",
    "transaction.state.log.num.partitions=4",
    "share.coordinator.state.topic.replication.factor=1",
    "share.coordinator.state.topic.min.isr=1",
    "delete.topic.enable=true",
    // Topics are created on purpose (admin, tests): a read of a deleted topic must not revive it.
    "auto.create.topics.enable=false",
    "group.initial.rebalance.delay.ms=0",
    // Retention checks every 5 s, so a test can age data out with retention.ms on its topic.
    "log.retention.check.interval.ms=5000",
    "log.initial.task.delay.ms=1000",
    "",
  ].join("\n");
}

const LOG4J = [
  "<Configuration status=\"warn\">",
  "  <Appenders><Console name=\"out\" target=\"SYSTEM_OUT\"><PatternLayout pattern=\"[%d] %p %m (%c)%n\"/></Console></Appenders>",
  "  <Loggers>",
  "    <Logger name=\"kafka.server.KafkaRaftServer\" level=\"info\"/>",
  "    <Root level=\"warn\"><AppenderRef ref=\"out\"/></Root>",
  "  </Loggers>",
  "</Configuration>",
  "",
].join("\n");

function javaArgs(dataDir: string): string[] {
  return ["-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", `-Dlog4j2.configurationFile=${join(dataDir, "log4j2.xml")}`, "-cp", `${KAFKA_LIBS}/*`];
}

/**
 * Start a fresh broker whose files live in `dataDir` (created; must not hold another broker).
 * `saslSsl` adds a second listener with SASL/PLAIN over TLS (a self-signed certificate).
 */
export async function startBroker(dataDir: string, opts: { ownerPid?: number; readyTimeoutMs?: number; saslSsl?: boolean } = {}): Promise<BrokerHandle> {
  if (!existsSync(join(KAFKA_LIBS, ".complete"))) {
    throw new Error(`The Kafka broker's jars are missing from ${KAFKA_LIBS}: run bash scripts/kafka/setup.sh`);
  }
  mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  const controllerPort = await freePort();
  let saslSsl: SaslSslListener | undefined;
  let sasl: { port: number; keystore: string } | undefined;
  if (opts.saslSsl) {
    const pem = selfSignedPem(dataDir);
    sasl = { port: await freePort(), keystore: pem.keystore };
    saslSsl = { bootstrap: `127.0.0.1:${sasl.port}`, caFile: pem.cert, username: SASL_USER, password: SASL_PASSWORD };
  }
  const props = join(dataDir, "server.properties");
  writeFileSync(props, serverProperties(dataDir, port, controllerPort, sasl));
  writeFileSync(join(dataDir, "log4j2.xml"), LOG4J);
  const clusterId = randomBytes(16).toString("base64url");
  const fmt = spawnSync("java", [...javaArgs(dataDir), "kafka.tools.StorageTool", "format", `--cluster-id=${clusterId}`, "-c", props], { encoding: "utf8" });
  if (fmt.status !== 0) throw new Error(`Formatting the Kafka storage in ${dataDir} failed: ${fmt.stderr || fmt.stdout}`);
  const pid = await launch(dataDir, join(dataDir, "server.log"), opts);
  return { bootstrap: `127.0.0.1:${port}`, pid, dataDir, ...(saslSsl ? { saslSsl } : {}) };
}

async function launch(dataDir: string, logFile: string, opts: { ownerPid?: number; readyTimeoutMs?: number }): Promise<number> {
  return launchServer({
    name: `Kafka broker in ${dataDir}`,
    command: "java",
    args: [...javaArgs(dataDir), "kafka.Kafka", join(dataDir, "server.properties")],
    logFile,
    readyLine: READY_LINE,
    removeOnExit: dataDir,
    ...(opts.ownerPid !== undefined ? { ownerPid: opts.ownerPid } : {}),
    ...(opts.readyTimeoutMs !== undefined ? { readyTimeoutMs: opts.readyTimeoutMs } : {}),
  });
}

/** Restart a stopped broker on its same folder and ports (its topics and offsets kept). */
export async function restartBroker(b: BrokerHandle, opts: { ownerPid?: number } = {}): Promise<BrokerHandle> {
  // The previous run's log already holds the ready line: start a new log, or the restart would
  // count as ready before the broker listens.
  const log = join(b.dataDir, "server.log");
  if (existsSync(log)) renameSync(log, join(b.dataDir, `server.${Date.now()}.log`));
  return { ...b, pid: await launch(b.dataDir, log, opts) };
}

/** Stop a broker: SIGTERM (controlled shutdown), SIGKILL after `graceMs`. Resolves once it is gone. */
export const stopBroker = (pid: number, graceMs = 15_000): Promise<void> => stopServer(pid, graceMs);

async function main(cmd: string | undefined): Promise<void> {
  const stateFile = join(RUN_DIR, "broker.json");
  if (cmd === "start") {
    if (existsSync(stateFile)) {
      const old = JSON.parse(readFileSync(stateFile, "utf8")) as BrokerHandle;
      let running = true;
      try {
        process.kill(old.pid, 0);
      } catch {
        running = false;
      }
      if (running) {
        console.log(`A broker is already running (pid ${old.pid}); npm run kafka:stop stops it`);
        console.log(`KAFKA_BOOTSTRAP=${old.bootstrap}`);
        return;
      }
    }
    rmSync(RUN_DIR, { recursive: true, force: true });
    const b = await startBroker(RUN_DIR);
    writeFileSync(stateFile, JSON.stringify(b));
    console.log(`Kafka broker started (pid ${b.pid}, files in .kafka/run, log .kafka/run/server.log)`);
    console.log(`KAFKA_BOOTSTRAP=${b.bootstrap}`);
  } else if (cmd === "stop") {
    if (!existsSync(stateFile)) {
      console.log("No Kafka broker started by npm run kafka:start is running");
      return;
    }
    const b = JSON.parse(readFileSync(stateFile, "utf8")) as BrokerHandle;
    await stopBroker(b.pid);
    rmSync(RUN_DIR, { recursive: true, force: true });
    console.log(`Kafka broker stopped (pid ${b.pid})`);
  } else {
    console.error("usage: tsx scripts/kafka/broker.ts start|stop");
    process.exitCode = 2;
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv[2]).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
