/**
 * Crash test of the Kafka → Delta reference pipeline (examples/reference-pipeline): its process
 * is killed with SIGKILL at random moments while it works through the event set, and its private
 * broker is stopped and started again once while a run reads; then a last run finishes. delta-rs
 * must read exactly the expected windows and each malformed record once in the dead-letter table.
 * SLUICE_KAFKA_REFERENCE_KILLS sets the number of kills (default 3). The soak
 * (SLUICE_KAFKA_REFERENCE_KILLS=200) grows the event set with the count, so that every kill lands
 * while batches are left, kills the broker-restart run too (it would otherwise ride out the
 * restart and finish the whole set), and requires every one of its kills to have landed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { expect, it } from "vitest";
import { referenceEvents } from "../../examples/reference-pipeline/events.js";
import { produceEvents } from "../../examples/reference-pipeline/producer.js";
import { restartBroker, startBroker, stopBroker } from "../../scripts/kafka/broker.js";
import { runChild } from "../support/run-child.js";
import { aggregateRows, deltaRsRows, hasDeltaRs } from "./delta-rs-rows.js";

const KILLS = Number(process.env.SLUICE_KAFKA_REFERENCE_KILLS ?? 3);
const SOAK = KILLS > 3;
// A run gets through a few batches of 50 offsets before its kill: 250 events a kill leave batches
// for every kill (400 is the default set).
const ev = referenceEvents(Math.max(400, KILLS * 250));

it.skipIf(!hasDeltaRs)(`the reference pipeline ends with the exact aggregates after ${KILLS} SIGKILLs and a broker restart`, async () => {
  const dir = mkdtempSync(join(tmpdir(), "sluice-ref-crash-"));
  let broker = await startBroker(join(dir, "broker"), { ownerPid: process.pid });
  try {
    const topic = "reference-crash";
    await produceEvents(broker.bootstrap, topic, ev.records);
    const root = join(dir, "out");
    const child = join(import.meta.dirname, "reference-child.ts");
    let seed = 13;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const outcomes: string[] = [];
    let killed = 0;
    let restarted = false;
    for (;;) {
      const args = [broker.bootstrap, topic, root];
      if (!restarted && killed === Math.floor(KILLS / 2)) {
        // The broker goes away under a running pipeline and comes back on the same port: the run
        // either rides it out or fails; either way the next run resumes from the checkpoint.
        restarted = true;
        const run = runChild(child, args, SOAK ? 20_000 : null, "SIGKILL").catch(() => "failed");
        await sleep(1000 + Math.floor(random() * 2000));
        await stopBroker(broker.pid);
        broker = await restartBroker(broker, { ownerPid: process.pid });
        outcomes.push(await run);
        continue;
      }
      // Counted from the run's 1st–3rd committed batch (of about 20 left in a fresh run), not
      // from its start: a kill timed from the start missed every run on a fast machine (each
      // ended first), and the test then proved nothing about crashes.
      const after = `PROGRESS ${1 + Math.floor(random() * 3)}\n`;
      const outcome = await runChild(child, args, killed < KILLS ? Math.floor(random() * 400) : null, "SIGKILL", after);
      outcomes.push(outcome);
      if (outcome === "killed") killed++;
      if (outcome === "done") break;
    }
    const summary = `${killed} kills in ${outcomes.length} runs: ${JSON.stringify(outcomes)}`;
    if (SOAK) process.stdout.write(`reference soak: ${summary}\n`);
    expect(killed, summary).toBeGreaterThanOrEqual(SOAK ? KILLS : 1);
    expect(aggregateRows(deltaRsRows(join(root, "aggregates")))).toEqual(ev.expected.map((w) => [w.window_start, w.events, w.amount]));
    expect(deltaRsRows(join(root, "dead_letter")).map((r) => r.value).sort()).toEqual([...ev.malformed].sort());
  } finally {
    await stopBroker(broker.pid);
    rmSync(dir, { recursive: true, force: true });
  }
}, 600_000 + KILLS * 30_000);
