/**
 * Batch parity with PySpark 4: every case in test/parity/cases runs through Sluice's public API
 * and must give what real PySpark gave (test/parity/expected, written by
 * scripts/oracle/gen_parity.py); the loop is support/run-cases.ts. Every case's inputs are
 * registered as temp views; nullability is compared too with SLUICE_PARITY_NULLABILITY=1.
 * Cases listed in DIFFERENCES.md are skipped with the reason given there.
 *
 * The corpus runs twice: on one thread (local[1]), and under local[2] with every input cut into
 * tiny pieces (a few rows, or bytes of a file), so each aggregate over a scan runs as partial
 * aggregates in the two worker threads merged on the main one (ParallelAggregateExec).
 */
import { describe } from "vitest";
import { Session } from "../../src/index.js";
import { RuntimeConfig } from "../../src/session/runtime-config.js";
import { loadCases, loadSkipList } from "./support/cases.js";
import { parityCaseTests } from "./support/run-cases.js";

const targets: readonly { name: string; conf: Readonly<Record<string, string>> }[] = [
  { name: "local[1]", conf: { "spark.master": "local[1]" } },
  { name: "local[2], tiny pieces", conf: { "spark.master": "local[2]", "sluice.execution.parallelScan.minBytes": "0", "sluice.execution.parallelScan.pieceBytes": "64" } },
];

for (const target of targets) {
  const spark = new Session(new RuntimeConfig({ "spark.app.name": "parity", "spark.sql.session.timeZone": "UTC", ...target.conf }));
  describe(`batch parity with PySpark (${target.name})`, () => {
    parityCaseTests(loadCases(), {
      name: `Sluice ${target.name}`,
      session: () => spark,
      savedConf: (k) => spark.conf.getAll()[k],
      registerViews: () => true,
      skipped: loadSkipList(),
      skipLabel: "differs deliberately",
      checkNullability: process.env.SLUICE_PARITY_NULLABILITY === "1",
    });
  });
}
