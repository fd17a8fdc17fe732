/**
 * collect_list / array_agg and collect_set: the group's non-null values as ARRAY<T> with
 * containsNull = false; an empty group gives []. collect_set keeps the first occurrence of each
 * distinct value (arrays, structs and binary compared by content; -0.0 equals 0.0) in insertion
 * order; Spark's order is unspecified. Maps cannot be collected into a set (as in Spark).
 */
import { analysisError } from "../../common/errors.js";
import { makeVector, type Vector } from "../../columnar/vector.js";
import { ArrayType, type DataType, sqlTypeName } from "../../types/data-type.js";
import type { AggregateFunction, ArgInfo, GroupAccumulator } from "../function-types.js";
import { checkArity } from "./common.js";

/** A hashable key for an engine value: primitives as themselves, everything else as canonical text. */
export function valueKey(t: DataType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case "binary":
      return "b:" + Array.from(v as Uint8Array, (b) => b.toString(16).padStart(2, "0")).join("");
    case "array":
    case "struct":
    case "map":
      return "j:" + JSON.stringify(canonical(t, v));
    case "boolean":
      return v === true || v === 1;
    default:
      return v;
  }
}

function canonical(t: DataType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case "array":
      return (v as unknown[]).map((e) => canonical(t.elementType, e));
    case "struct":
      return t.fields.map((f) => canonical(f.type, (v as Record<string, unknown>)[f.name]));
    case "map":
      return [...(v as Map<unknown, unknown>)].map(([k, x]) => [canonical(t.keyType, k), canonical(t.valueType, x)]);
    case "binary":
      return valueKey(t, v);
    case "double":
    case "float":
      return Number.isNaN(v) ? "NaN" : Object.is(v, -0) ? 0 : v;
    default:
      return v;
  }
}

class CollectAccumulator implements GroupAccumulator {
  private lists: unknown[][] = [];
  private seen: Set<unknown>[] = [];

  constructor(
    private readonly elementType: DataType,
    private readonly distinct: boolean,
  ) {}

  private grow(n: number): void {
    for (let g = this.lists.length; g < n; g++) {
      this.lists.push([]);
      if (this.distinct) this.seen.push(new Set());
    }
  }

  private add(g: number, x: unknown): void {
    if (this.distinct) {
      const k = valueKey(this.elementType, x);
      const s = this.seen[g]!;
      if (s.has(k)) return;
      s.add(k);
    }
    this.lists[g]!.push(x);
  }

  update(groupIds: Int32Array, args: readonly Vector[], numRows: number, numGroups: number): void {
    this.grow(numGroups);
    const v = args[0]!;
    const vals = v.values as ArrayLike<unknown>;
    const valid = v.validity;
    const bool = this.elementType.kind === "boolean";
    for (let i = 0; i < numRows; i++) {
      if (valid !== null && valid[i] === 0) continue;
      this.add(groupIds[i]!, bool ? vals[i] === 1 : vals[i]);
    }
  }

  evaluate(numGroups: number): Vector {
    this.grow(numGroups);
    const out = new Array<unknown>(numGroups);
    for (let g = 0; g < numGroups; g++) out[g] = this.lists[g]!.slice();
    return makeVector(ArrayType(this.elementType, false), out, null);
  }

  state(numGroups: number): Vector[] {
    return [this.evaluate(numGroups)];
  }

  merge(groupIds: Int32Array, states: readonly Vector[], numRows: number, numGroups: number): void {
    this.grow(numGroups);
    const s = states[0]!;
    for (let i = 0; i < numRows; i++) {
      if (s.validity !== null && s.validity[i] === 0) continue;
      const g = groupIds[i]!;
      for (const x of (s.values as unknown[])[i] as unknown[]) if (x !== null && x !== undefined) this.add(g, x);
    }
  }
}

const collect = (name: string, distinct: boolean): AggregateFunction => ({
  name,
  resolve(args: readonly ArgInfo[]) {
    checkArity(name, args, 1);
    const t = args[0]!.type;
    if (distinct && hasMap(t)) {
      throw analysisError(
        "DATATYPE_MISMATCH",
        `Cannot resolve "${name}" due to data type mismatch: the input of \`${name}\` can't be "MAP" type data (got "${sqlTypeName(t)}"). Use collect_list, or convert the map with map_entries() first.`,
        { function: name, subclass: "UNSUPPORTED_INPUT_TYPE" },
      );
    }
    const rt = ArrayType(t, false);
    return { argTypes: [t], returnType: rt, nullable: false, stateTypes: [rt] };
  },
  create: (argTypes) => new CollectAccumulator(argTypes[0]!, distinct),
});

function hasMap(t: DataType): boolean {
  if (t.kind === "map") return true;
  if (t.kind === "array") return hasMap(t.elementType);
  if (t.kind === "struct") return t.fields.some((f) => hasMap(f.type));
  return false;
}

export const collectFunctions: readonly AggregateFunction[] = [
  collect("collect_list", false),
  collect("array_agg", false),
  collect("collect_set", true),
];
