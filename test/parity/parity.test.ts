/**
 * Batch parity with PySpark 4: every case in test/parity/cases runs through Sluice's public API
 * and must give what real PySpark gave (test/parity/expected, written by
 * scripts/oracle/gen_parity.py); the loop is support/run-cases.ts. Every case's inputs are
 * registered as temp views; nullability is compared too with SLUICE_PARITY_NULLABILITY=1.
 * Cases listed in DIFFERENCES.md are skipped with the reason given there.
 */
import { describe } from "vitest";
import { Session } from "../../src/index.js";
import { loadCases, loadSkipList } from "./support/cases.js";
import { parityCaseTests } from "./support/run-cases.js";

const spark = Session.builder().appName("parity").config("spark.sql.session.timeZone", "UTC").getOrCreate();

describe("batch parity with PySpark", () => {
  parityCaseTests(loadCases(), {
    name: "Sluice",
    session: () => spark,
    savedConf: (k) => spark.conf.getAll()[k],
    registerViews: () => true,
    skipped: loadSkipList(),
    skipLabel: "differs deliberately",
    checkNullability: process.env.SLUICE_PARITY_NULLABILITY === "1",
  });
});
