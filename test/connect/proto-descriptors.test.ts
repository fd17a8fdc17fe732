/**
 * Every Spark Connect message and enum Sluice defines (src/connect/proto) must match the
 * descriptors pip pyspark 4.0.1 ships: the same full name, and per field the same number,
 * type (scalar, or the full name of the message/enum), label (repeated, proto3 optional or
 * singular), map key/value types and oneof; per enum value the same number.
 * scripts/connect/proto_descriptors.py reads the serialized FileDescriptorProtos out of pyspark's
 * *_pb2.py modules; they are decoded here with protobufjs' descriptor.proto.
 */
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import type * as protobuf from "protobufjs";
import { SPARK_CONNECT_SOURCES } from "../../src/connect/connect-proto.js";

const require = createRequire(import.meta.url);
const pb = require("protobufjs") as typeof protobuf;
const descriptor = require("protobufjs/ext/descriptor") as { FileDescriptorProto: protobuf.Type };

interface FieldDesc {
  name: string;
  number: number;
  label?: number;
  type: number;
  typeName?: string;
  oneofIndex?: number;
  proto3Optional?: boolean;
}
interface MessageDesc {
  name: string;
  field?: FieldDesc[];
  nestedType?: MessageDesc[];
  enumType?: EnumDesc[];
  oneofDecl?: { name: string }[];
  options?: { mapEntry?: boolean };
}
interface EnumDesc {
  name: string;
  value?: { name: string; number: number }[];
}

// FieldDescriptorProto.Type numbers (descriptor.proto) → protobufjs' scalar names.
const SCALARS: Record<number, string> = { 1: "double", 2: "float", 3: "int64", 4: "uint64", 5: "int32", 8: "bool", 9: "string", 12: "bytes", 13: "uint32", 17: "sint32", 18: "sint64" };

/** What we compare for one field, in the same words for both sides. */
interface FieldFacts {
  number: number;
  type: string;
  label: "repeated" | "optional" | "singular";
  oneof: string | null;
  map?: { key: string; value: string };
}

function sparkDescriptors(): { messages: Map<string, Map<string, FieldFacts>>; enums: Map<string, Map<string, number>> } {
  const out = execFileSync(".oracle/venv/bin/python", ["scripts/connect/proto_descriptors.py"], { encoding: "utf8" });
  const files = JSON.parse(out) as Record<string, string>;
  const messages = new Map<string, Map<string, FieldFacts>>();
  const enums = new Map<string, Map<string, number>>();
  const typeOf = (f: FieldDesc): string => (f.type === 11 || f.type === 14 ? f.typeName!.replace(/^\./, "") : SCALARS[f.type]!);
  const walkEnum = (e: EnumDesc, prefix: string): void => {
    enums.set(`${prefix}.${e.name}`, new Map((e.value ?? []).map((v) => [v.name, v.number])));
  };
  const entries = new Map<string, MessageDesc>();
  const walk = (m: MessageDesc, prefix: string): void => {
    const full = `${prefix}.${m.name}`;
    if (m.options?.mapEntry) {
      entries.set(full, m);
      return;
    }
    for (const n of m.nestedType ?? []) walk(n, full);
    for (const e of m.enumType ?? []) walkEnum(e, full);
    const fields = new Map<string, FieldFacts>();
    for (const f of m.field ?? []) {
      const synthetic = f.proto3Optional === true;
      const entry = f.type === 11 ? entries.get(f.typeName!.replace(/^\./, "")) : undefined;
      const facts: FieldFacts = {
        number: f.number,
        type: entry ? "map" : typeOf(f),
        label: entry ? "singular" : f.label === 3 ? "repeated" : synthetic ? "optional" : "singular",
        oneof: f.oneofIndex !== undefined && !synthetic ? m.oneofDecl![f.oneofIndex]!.name : null,
      };
      if (entry) {
        const [k, v] = entry.field!;
        facts.map = { key: typeOf(k!), value: typeOf(v!) };
      }
      fields.set(f.name, facts);
    }
    messages.set(full, fields);
  };
  for (const b64 of Object.values(files)) {
    const fd = descriptor.FileDescriptorProto.toObject(descriptor.FileDescriptorProto.decode(Buffer.from(b64, "base64")), { arrays: true }) as {
      package: string;
      messageType: MessageDesc[];
      enumType: EnumDesc[];
    };
    for (const e of fd.enumType) walkEnum(e, fd.package);
    for (const m of fd.messageType) walk(m, fd.package);
  }
  return { messages, enums };
}

function sluiceDefinitions(): { messages: Map<string, Map<string, FieldFacts>>; enums: Map<string, Map<string, number>> } {
  const root = new pb.Root();
  for (const text of SPARK_CONNECT_SOURCES) pb.parse(text, root, { keepCase: true });
  root.resolveAll();
  const messages = new Map<string, Map<string, FieldFacts>>();
  const enums = new Map<string, Map<string, number>>();
  const walk = (ns: protobuf.NamespaceBase): void => {
    for (const obj of ns.nestedArray) {
      const full = obj.fullName.replace(/^\./, "");
      if (obj instanceof pb.Type) {
        const fields = new Map<string, FieldFacts>();
        for (const f of obj.fieldsArray) {
          const typeName = f.resolvedType ? f.resolvedType.fullName.replace(/^\./, "") : f.type;
          const synthetic = f.partOf !== null && f.partOf.name === `_${f.name}`;
          const facts: FieldFacts = {
            number: f.id,
            type: f.map ? "map" : typeName,
            label: f.repeated ? "repeated" : synthetic ? "optional" : "singular",
            oneof: f.partOf !== null && !synthetic ? f.partOf.name : null,
          };
          if (f.map) facts.map = { key: (f as unknown as protobuf.MapField).keyType, value: typeName };
          fields.set(f.name, facts);
        }
        messages.set(full, fields);
      } else if (obj instanceof pb.Enum) {
        enums.set(full, new Map(Object.entries(obj.values)));
      }
      if (obj instanceof pb.Namespace || obj instanceof pb.Type) walk(obj as protobuf.NamespaceBase);
    }
  };
  walk(root);
  return { messages, enums };
}

describe("Spark Connect protocol definitions", () => {
  const spark = sparkDescriptors();
  const ours = sluiceDefinitions();

  it("reads pyspark's descriptors (the check below has something to compare with)", () => {
    expect(spark.messages.get("spark.connect.ExecutePlanRequest")?.get("plan")?.number).toBe(3);
    expect(ours.messages.size).toBeGreaterThan(50);
  });

  it("every message Sluice defines exists in pyspark with the same fields", () => {
    const problems: string[] = [];
    for (const [name, fields] of ours.messages) {
      const theirs = spark.messages.get(name);
      if (!theirs) {
        problems.push(`${name}: no such message in pyspark`);
        continue;
      }
      for (const [field, facts] of fields) {
        const t = theirs.get(field);
        if (!t) problems.push(`${name}.${field}: no such field in pyspark`);
        else if (JSON.stringify(t) !== JSON.stringify(facts)) problems.push(`${name}.${field}: ours ${JSON.stringify(facts)}, pyspark ${JSON.stringify(t)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("every enum Sluice defines has pyspark's values", () => {
    const problems: string[] = [];
    for (const [name, values] of ours.enums) {
      const theirs = spark.enums.get(name);
      if (!theirs) problems.push(`${name}: no such enum in pyspark`);
      else for (const [v, n] of values) if (theirs.get(v) !== n) problems.push(`${name}.${v} = ${n}: pyspark has ${theirs.get(v)}`);
    }
    expect(problems).toEqual([]);
  });
});
