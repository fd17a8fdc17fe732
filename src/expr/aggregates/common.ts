/**
 * Shared pieces of the aggregate library: argument checks that raise Spark's error classes,
 * literal decoding, and growable typed storage so accumulators keep one slot per dense group id
 * (capacity doubles; never one JS object per group where a typed array works).
 */
import { analysisError, executionError } from "../../common/errors.js";
import { type Vector, type VectorValues, allocValues, makeVector, storageOf } from "../../columnar/vector.js";
import { type DataType, simpleString, sqlTypeName } from "../../types/data-type.js";
import type { AggregateFunction, ArgInfo, EvalContext, ResolvedSignature } from "../function-types.js";
import { decimalToDouble } from "../../types/decimal-value.js";

export type AggSignature = ResolvedSignature & { readonly stateTypes: readonly DataType[] };

/** Throw WRONG_NUM_ARGS unless min <= n <= max. */
export function checkArity(name: string, args: readonly ArgInfo[], min: number, max = min): void {
  if (args.length >= min && args.length <= max) return;
  const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
  throw analysisError(
    "WRONG_NUM_ARGS",
    `The \`${name}\` function requires ${expected} parameters but the actual number is ${args.length}. Check the call's arguments.`,
    { function: name },
  );
}

/** DATATYPE_MISMATCH (Spark: DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE) for argument `index`. */
export function unexpectedType(name: string, index: number, got: DataType, expected: string): never {
  throw analysisError(
    "DATATYPE_MISMATCH",
    `Cannot resolve "${name}" due to data type mismatch: parameter ${index + 1} requires ${expected}, however it has the type "${sqlTypeName(got)}". Cast the argument to a supported type.`,
    { function: name, argument: index + 1, type: simpleString(got), subclass: "UNEXPECTED_INPUT_TYPE" },
  );
}

/** DATATYPE_MISMATCH for a literal argument outside its allowed range (Spark: VALUE_OUT_OF_RANGE). */
export function valueOutOfRange(name: string, what: string, range: string, value: unknown): never {
  throw analysisError(
    "DATATYPE_MISMATCH",
    `Cannot resolve "${name}" due to data type mismatch: the ${what} must be between ${range} (current value = ${String(value)}).`,
    { function: name, subclass: "VALUE_OUT_OF_RANGE" },
  );
}

/** DATATYPE_MISMATCH for an argument that must be a constant (Spark: NON_FOLDABLE_INPUT). */
export function nonFoldable(name: string, what: string, expected: string): never {
  throw analysisError(
    "DATATYPE_MISMATCH",
    `Cannot resolve "${name}" due to data type mismatch: the input \`${what}\` should be a foldable ${expected} expression (a literal).`,
    { function: name, subclass: "NON_FOLDABLE_INPUT" },
  );
}

/** ARITHMETIC_OVERFLOW raised at execution under ANSI mode. */
export const overflow = (what: string, fn: string): Error =>
  executionError(
    "ARITHMETIC_OVERFLOW",
    `${what}. Use 'try_${fn}' to tolerate overflow and return NULL instead. If necessary set "spark.sql.ansi.enabled" to "false" to bypass this error.`,
    { function: fn },
  );

/** A numeric literal's value (decimals arrive unscaled); undefined when not a finite number. */
export function literalNumber(type: DataType | undefined, raw: unknown): number | undefined {
  if (type?.kind === "decimal" && (typeof raw === "bigint" || typeof raw === "number")) return decimalToDouble(raw, type.scale);
  const value = typeof raw === "bigint" ? Number(raw) : raw;
  if (typeof value !== "number" || !Number.isFinite(value)) return undefined;
  return value;
}

/** Is `t` a type whose values can be ordered (Spark: every atomic type, arrays and structs of them). */
export function isOrderable(t: DataType): boolean {
  switch (t.kind) {
    case "map":
      return false;
    case "array":
      return isOrderable(t.elementType);
    case "struct":
      return t.fields.every((f) => isOrderable(f.type));
    default:
      return true;
  }
}

export const nextCapacity = (cap: number, need: number): number => {
  let c = Math.max(cap, 16);
  while (c < need) c *= 2;
  return c;
};

export function growF64(a: Float64Array<ArrayBuffer>, need: number, fill = 0): Float64Array<ArrayBuffer> {
  if (a.length >= need) return a;
  const b = new Float64Array(nextCapacity(a.length, need));
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}

export function growU8(a: Uint8Array<ArrayBuffer>, need: number): Uint8Array<ArrayBuffer> {
  if (a.length >= need) return a;
  const b = new Uint8Array(nextCapacity(a.length, need));
  b.set(a);
  return b;
}

/** A growable column of engine values of one type, one slot per group; null until set. */
export class GroupSlots {
  values: VectorValues;
  valid: Uint8Array<ArrayBuffer>;
  private readonly generic: boolean;

  constructor(readonly type: DataType) {
    this.values = allocValues(type, 16);
    this.valid = new Uint8Array(16);
    const s = storageOf(type);
    this.generic = s === "str" || s === "obj";
  }

  ensure(n: number): void {
    if (this.valid.length >= n) return;
    const cap = nextCapacity(this.valid.length, n);
    if (this.generic) {
      const old = this.values as unknown[];
      const next = allocValues(this.type, cap) as unknown[];
      for (let i = 0; i < old.length; i++) next[i] = old[i];
      this.values = next as VectorValues;
    } else {
      const next = allocValues(this.type, cap) as Float64Array;
      next.set(this.values as Float64Array);
      this.values = next;
    }
    this.valid = growU8(this.valid, cap);
  }

  /** Copy row `row` of `src` (same storage) into slot `g`, nulls included. */
  copy(g: number, src: Vector, row: number): void {
    if (src.validity !== null && src.validity[row] === 0) {
      this.valid[g] = 0;
      return;
    }
    (this.values as unknown[])[g] = (src.values as unknown[])[row];
    this.valid[g] = 1;
  }

  /** Slots 0..n-1 as a fresh vector (a copy: later updates do not change it). */
  toVector(n: number, type: DataType = this.type): Vector {
    const values = allocValues(type, n);
    if (this.generic) {
      const src = this.values as unknown[];
      const dst = values as unknown[];
      for (let i = 0; i < n; i++) dst[i] = this.valid[i] ? src[i] : storageOf(type) === "str" ? "" : null;
    } else (values as Float64Array).set((this.values as Float64Array).subarray(0, n));
    return makeVector(type, values, validityOf(this.valid, n));
  }
}

/** A validity mask for the first n slots, or null when all are valid. */
export function validityOf(valid: Uint8Array, n: number): Uint8Array | null {
  for (let i = 0; i < n; i++) if (valid[i] === 0) return valid.slice(0, n);
  return null;
}

/** Same implementation under several Spark names (aliases are separate registry entries). */
export const withNames = (names: readonly string[], make: (name: string) => AggregateFunction): AggregateFunction[] => names.map(make);

export type { EvalContext };
