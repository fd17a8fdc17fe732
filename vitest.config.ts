import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    pool: "forks",
    // vitest's default in run mode is cores - 1 files at a time: one on a 2-core machine. Most
    // end-to-end files wait on a broker, a JVM oracle, a child process or a trigger clock rather
    // than compute, so one file per core keeps both cores busy (the suite's wall time is budgeted).
    maxWorkers: 2,
    minWorkers: 1,
  },
});
