/**
 * The Spark Connect message types, parsed once on first use from Sluice's own .proto text
 * (proto/*.ts) with protobufjs. Messages are handled as plain objects in the proto's snake_case
 * field names; 64-bit integers go in as strings or numbers and come out as strings (callers turn
 * them into bigint or number where the value is used).
 */
import { createRequire } from "node:module";
import type * as protobuf from "protobufjs";
import { BASE_PROTO } from "./proto/base-proto.js";
import { RELATIONS_PROTO } from "./proto/relations-proto.js";
import { RPC_STATUS_PROTO } from "./proto/rpc-status-proto.js";
import { TYPES_PROTO } from "./proto/types-proto.js";

/** A message as a plain object (snake_case keys as in the .proto). */
export type Msg = { readonly [field: string]: unknown };

const HEADER = 'syntax = "proto3";\npackage spark.connect;\n';

/** Sluice's Spark Connect definitions as .proto sources: what connect-proto parses and the descriptor test checks. */
export const SPARK_CONNECT_SOURCES: readonly string[] = [BASE_PROTO, RELATIONS_PROTO, TYPES_PROTO].map((t) => HEADER + t);

let root: protobuf.Root | undefined;

/** The protobufjs Root holding every message Sluice defines (spark.connect.* and google.rpc.*). */
export function protoRoot(): protobuf.Root {
  if (root) return root;
  const pb = createRequire(import.meta.url)("protobufjs") as typeof protobuf;
  const r = new pb.Root();
  for (const text of [...SPARK_CONNECT_SOURCES, RPC_STATUS_PROTO]) pb.parse(text, r, { keepCase: true });
  r.resolveAll();
  root = r;
  return r;
}

const typeCache = new Map<string, protobuf.Type>();
function messageType(name: string): protobuf.Type {
  let t = typeCache.get(name);
  if (!t) {
    t = protoRoot().lookupType(name.includes(".") && name.startsWith("google.") ? name : `spark.connect.${name}`);
    typeCache.set(name, t);
  }
  return t;
}

/** Encode a plain object as the named message (`ExecutePlanRequest`, `google.rpc.Status`). */
export function encodeMessage(name: string, value: Msg): Buffer {
  const t = messageType(name);
  return Buffer.from(t.encode(t.fromObject(value as Record<string, unknown>)).finish());
}

/** Decode bytes of the named message into a plain object; oneofs gain a key naming the set member. */
export function decodeMessage<T = Msg>(name: string, bytes: Uint8Array): T {
  const t = messageType(name);
  return t.toObject(t.decode(bytes), { longs: String, enums: String, bytes: Buffer, oneofs: true }) as T;
}
