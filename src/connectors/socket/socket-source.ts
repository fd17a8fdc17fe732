/**
 * Socket source (`format("socket")`, host/port): reads UTF-8 lines from a TCP server into memory.
 * For tests and demos only, as in Spark: it is not fault tolerant (lines received before a
 * restart are gone), so starting one prints a warning. Schema `value STRING`, plus
 * `timestamp TIMESTAMP` with includeTimestamp=true. Offsets count received lines.
 */
import { log } from "../../common/logger.js";
import { type Socket, connect } from "node:net";
import { configError, inputError } from "../../common/errors.js";
import { vectorFromValues, makeBatch } from "../../columnar/column-batch.js";
import type { ExecutionPlan } from "../../physical/execution-plan.js";
import { StructType } from "../../types/struct-type.js";
import type { Offset, ReadLimit, StreamSource } from "../api/source.js";

export function socketSchema(includeTimestamp: boolean): StructType {
  return StructType.fromDDL(includeTimestamp ? "value STRING, timestamp TIMESTAMP" : "value STRING");
}

export function parseSocketOptions(raw: Readonly<Record<string, string>>): { host: string; port: number; includeTimestamp: boolean } {
  const o = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k.toLowerCase(), v]));
  const bad: string[] = [];
  if (!o.host) bad.push("host is required");
  const port = Number(o.port);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) bad.push(`port=${o.port} (expected 1..65535)`);
  if (bad.length > 0) throw configError("INVALID_OPTION", `Invalid socket source options: ${bad.join("; ")}`);
  return { host: o.host!, port, includeTimestamp: (o.includetimestamp ?? "false").toLowerCase() === "true" };
}

export class SocketSource implements StreamSource {
  readonly schema: StructType;
  readonly description: string;
  readonly #lines: { value: string; tsUs: number }[] = [];
  readonly #socket: Socket;
  #error: Error | null = null;
  #partial = "";

  constructor(opts: { host: string; port: number; includeTimestamp: boolean }, now: () => number) {
    this.schema = socketSchema(opts.includeTimestamp);
    this.description = `TextSocketV2[host: ${opts.host}, port: ${opts.port}]`;
    log.warn("the socket source is for testing only and does not provide fault tolerance");
    this.#socket = connect({ host: opts.host, port: opts.port });
    this.#socket.setEncoding("utf8");
    this.#socket.on("data", (chunk: string) => {
      const parts = (this.#partial + chunk).split("\n");
      this.#partial = parts.pop()!;
      for (const p of parts) this.#lines.push({ value: p.endsWith("\r") ? p.slice(0, -1) : p, tsUs: now() * 1000 });
    });
    this.#socket.on("error", (e) => (this.#error = e));
  }

  initialOffset(): Offset {
    return -1;
  }
  defaultReadLimit(): ReadLimit {
    return { kind: "all" };
  }
  async latestOffset(): Promise<Offset> {
    if (this.#error) throw inputError("SOCKET_SOURCE_FAILED", `Socket source ${this.description} failed: ${this.#error.message}`, {}, this.#error);
    return this.#lines.length - 1;
  }
  getBatch(start: Offset, end: Offset): ExecutionPlan {
    const rows = this.#lines.slice((start as number) + 1, (end as number) + 1);
    const schema = this.schema;
    return {
      name: "TextSocketScanExec",
      schema,
      children: [],
      describe: () => `TextSocketScanExec: lines (${String(start)}, ${String(end)}]`,
      async *execute() {
        const cols = [vectorFromValues(schema.fields[0]!.type, rows.map((r) => r.value))];
        if (schema.length > 1) cols.push(vectorFromValues(schema.fields[1]!.type, rows.map((r) => r.tsUs)));
        yield makeBatch(schema, cols, rows.length);
      },
    };
  }
  serializeOffset(offset: Offset): string {
    return String(offset);
  }
  deserializeOffset(json: string): Offset {
    return Number(json);
  }
  async commit(): Promise<void> {}
  async stop(): Promise<void> {
    this.#socket.destroy();
  }
}
