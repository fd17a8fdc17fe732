/**
 * How many RPCs Sluice's Spark Connect client sends for everyday calls, against a real server,
 * pinned so that an extra round trip shows: never more AnalyzePlan, ExecutePlan or ReleaseExecute
 * calls than PySpark's client sends for the same scenario (pyspark-rpc-counts.json, written by
 * scripts/connect/pyspark_rpc_counts.py against pip pyspark 4.0.1's client). Every call goes
 * through GrpcTransport (async, this thread) or SyncBridge (the worker), so counting there counts
 * them all. Also: a finished result is released on the server at once, even when the caller goes
 * straight on to a synchronous call that blocks this thread's event loop.
 */
import { readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { Session } from "../../src/index.js";
import { decodeMessage, encodeMessage } from "../../src/connect/connect-proto.js";
import { toSluiceError } from "../../src/connect/connect-errors.js";
import { GrpcTransport } from "../../src/connect/grpc-transport.js";
import type { RemoteSession } from "../../src/connect/remote-session.js";
import { SyncBridge } from "../../src/connect/sync-bridge.js";
import { sharedConnectServer } from "./support/connect-server.js";

const PYSPARK = JSON.parse(readFileSync(new URL("./pyspark-rpc-counts.json", import.meta.url), "utf8")) as { scenarios: Record<string, Record<string, number>> };

let spark: RemoteSession;
/** Method name and request bytes of every RPC since the last reset. */
let calls: { method: string; request: Buffer }[] = [];

beforeAll(async () => {
  spark = Session.builder().remote(await sharedConnectServer()).getOrCreate();
  for (const cls of [GrpcTransport, SyncBridge]) {
    for (const name of ["unary", "stream", ...(cls === SyncBridge ? ["send"] : [])] as const) {
      const proto = cls.prototype as unknown as Record<string, (method: string, request: Buffer, ...rest: unknown[]) => unknown>;
      const orig = proto[name]!;
      vi.spyOn(proto, name).mockImplementation(function (this: unknown, method: string, request: Buffer, ...rest: unknown[]) {
        calls.push({ method, request });
        return orig.call(this, method, request, ...rest);
      });
    }
  }
  await spark.sql("SELECT 0 AS x").collect(); // connection set-up is not counted
  calls = [];
}, 240_000);
afterAll(async () => {
  vi.restoreAllMocks();
  await spark?.stop();
});
afterEach(() => void (calls = []));

const counts = (): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const c of calls) out[c.method] = (out[c.method] ?? 0) + 1;
  return out;
};

/** Sluice's counts are these, and none is above PySpark's for the same scenario. */
function expectCounts(scenario: string, sluice: Record<string, number>): void {
  expect(counts()).toEqual(sluice);
  const pyspark = PYSPARK.scenarios[scenario]!;
  for (const [method, n] of Object.entries(sluice)) expect(n, `${method} in "${scenario}"`).toBeLessThanOrEqual(pyspark[method] ?? 0);
}

describe("RPCs per call", { timeout: 120_000 }, () => {
  it("a new DataFrame's schema: one AnalyzePlan", () => {
    void spark.range(10).selectExpr("id + 1 AS y").columns;
    expectCounts("schema of a new DataFrame", { AnalyzePlan: 1 });
  });

  it("a schema read three times: still one AnalyzePlan", () => {
    const df = spark.range(10).selectExpr("id + 2 AS y");
    void df.columns;
    void df.schema;
    void df.columns;
    expectCounts("schema read three times", { AnalyzePlan: 1 });
  });

  it("spark.sql(query).collect(): the SqlCommand, the query, one release — no AnalyzePlan", async () => {
    expect(await spark.sql("SELECT 1 AS x").collect()).toEqual([{ x: 1 }]);
    expectCounts("spark.sql(query).collect()", { ExecutePlan: 2, ReleaseExecute: 1 });
  });

  it("a schema read after collect comes from the result: no AnalyzePlan (PySpark sends one)", async () => {
    const df = spark.range(10).selectExpr("id + 3 AS y");
    await df.collect();
    expect(df.columns).toEqual(["y"]);
    expectCounts("collect then schema", { ExecutePlan: 1, ReleaseExecute: 1 });
  });

  it("filter, sort, limit, distinct and a union of equal schemas keep the known schema: no second AnalyzePlan", () => {
    const df = spark.range(10).selectExpr("id + 4 AS y");
    void df.columns;
    expect(df.filter("y > 5").orderBy("y").limit(3).distinct().unionByName(df).columns).toEqual(["y"]);
    expectCounts("schema kept by row operations", { AnalyzePlan: 1 });
  });

  it("a finished result is released before the next synchronous call returns", async () => {
    const df = spark.range(3);
    await df.collect();
    // straight on to a synchronous call: this thread's event loop does not turn until it returns
    void spark.sql("SELECT 2 AS x");
    const execute = calls.find((c) => c.method === "ExecutePlan")!;
    const operationId = decodeMessage<{ operation_id: string }>("ExecutePlanRequest", execute.request).operation_id;
    const reattach = encodeMessage("ReattachExecuteRequest", { session_id: spark.client.sessionId, user_context: { user_id: spark.client.spec.userId }, operation_id: operationId });
    const bridge = new SyncBridge(spark.client.spec);
    let code = "reattached: the operation was still there";
    try {
      bridge.stream("ReattachExecute", reattach);
    } catch (e) {
      code = toSluiceError(e).code;
    } finally {
      bridge.close();
    }
    expect(code).toBe("INVALID_HANDLE.OPERATION_NOT_FOUND");
  });
});
