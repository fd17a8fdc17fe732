/** The Connect bench's cases and sizes, shared by both clients (pyspark_connect_bench.py gets them from argv). */
export const CASES = ["connect-collect", "connect-small-queries", "connect-schema"];
export const COLLECT_ROWS = 2_000_000;
export const SMALL_QUERIES = 50;
export const SCHEMA_CALLS = 100;
/** Timed runs per client and case, taken in turns (Sluice, PySpark, PySpark, Sluice, ...) after one warm-up each. */
export const RUNS = 7;
