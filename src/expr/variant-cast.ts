/**
 * Casts between VARIANT and other types, as Spark's VariantGet.cast and castToVariant do:
 * - variant → atomic type: a variant null is SQL null; an object or array becomes its JSON text
 *   for STRING and is invalid otherwise; a scalar is taken with its own type (integers as BIGINT,
 *   decimals as DECIMAL(their digits, their scale), strings as STRING, …) and try-cast to the
 *   target, a failed or disallowed cast being invalid;
 * - variant → ARRAY / STRUCT / MAP<STRING, _>: element by element, fields by name (missing fields
 *   are null), every field of an object for a map; any other shape is invalid;
 * - variant → VARIANT: the value itself (a path's sub-value rebuilt with only its own keys);
 * - atomic types and arrays of them → variant (Spark refuses structs and maps).
 * An invalid cast is `INVALID_VARIANT_CAST` when `failOnError`, else null.
 */
import { executionError } from "../common/errors.js";
import { constantVector, makeVector, type Vector } from "../columnar/vector.js";
import { type DataType, DecimalType, sqlTypeName } from "../types/data-type.js";
import { VariantBuilder } from "../types/variant-builder.js";
import { arrayElement, containerInfo, objectField, objectFieldAt, readBinary, readBoolean, readDecimal, readDouble, readLong, readString, readUuid, variantKind } from "../types/variant-encoding.js";
import { VariantVal } from "../types/variant-val.js";
import { getTimeZone, type TimeZone } from "./datetime/time-zone.js";
import type { EvalContext } from "./function-types.js";
import { variantJsonAt } from "./functions/variant-to-json.js";

/** How a value is cast: `castVector` in TRY mode for scalars (passed in, so this file does not import cast.ts). */
export type TryCast = (v: Vector, to: DataType) => Vector;

const invalidCast = (json: string, to: DataType) =>
  executionError("INVALID_VARIANT_CAST", `The variant value \`${json}\` cannot be cast into \`"${sqlTypeName(to)}"\`. Please use \`try_variant_get\` instead.`, {
    value: json,
    to: sqlTypeName(to),
  });

/** Casts the value at `pos` of one variant to engine values of a target type. */
export class VariantCaster {
  private readonly zone: TimeZone;
  constructor(
    private readonly tryCast: TryCast,
    ctx: EvalContext,
    private readonly failOnError: boolean,
  ) {
    this.zone = getTimeZone(ctx.timeZone);
  }

  /** The engine value of type `to` for the variant value at `pos` (null for a variant null or a tolerated failure). */
  cast(value: Uint8Array, metadata: Uint8Array, pos: number, to: DataType): unknown {
    const kind = variantKind(value, pos);
    if (to.kind === "variant") return pos === 0 ? new VariantVal(value, metadata) : subVariant(value, metadata, pos);
    if (kind === "null") return null;
    const invalid = (): null => {
      if (this.failOnError) throw invalidCast(variantJsonAt(value, metadata, pos, this.zone), to);
      return null;
    };
    if (to.kind === "array") {
      if (kind !== "array") return invalid();
      const n = containerInfo(value, pos).size;
      const out: unknown[] = [];
      for (let i = 0; i < n; i++) out.push(this.cast(value, metadata, arrayElement(value, pos, i), to.elementType));
      return out;
    }
    if (to.kind === "struct") {
      if (kind !== "object") return invalid();
      const row: Record<string, unknown> = {};
      for (const f of to.fields) {
        const at = objectField(value, metadata, pos, f.name);
        row[f.name] = at < 0 ? null : this.cast(value, metadata, at, f.type);
      }
      return row;
    }
    if (to.kind === "map") {
      if (kind !== "object") return invalid();
      const info = containerInfo(value, pos);
      const m = new Map<unknown, unknown>();
      for (let i = 0; i < info.size; i++) {
        const f = objectFieldAt(value, metadata, info, i);
        m.set(f.key, this.cast(value, metadata, f.pos, to.valueType));
      }
      return m;
    }
    if (kind === "object" || kind === "array") return to.kind === "string" ? variantJsonAt(value, metadata, pos, this.zone) : invalid();
    const [type, engine] = scalarOf(value, pos, kind);
    const r = this.tryCast(constantVector(type, engine, 1), to);
    if (r.validity !== null && r.validity[0] === 0) return invalid();
    const x = (r.values as ArrayLike<unknown>)[0];
    return to.kind === "boolean" ? x === 1 || x === true : x;
  }
}

/** The value at `pos` as a variant of its own, with a dictionary of only its keys (as Spark rebuilds it). */
function subVariant(value: Uint8Array, metadata: Uint8Array, pos: number): VariantVal {
  const b = new VariantBuilder();
  b.appendVariant(value, metadata, pos);
  return b.result();
}

/** A variant scalar as an engine value of its own Spark type. */
function scalarOf(value: Uint8Array, pos: number, kind: ReturnType<typeof variantKind>): [DataType, unknown] {
  switch (kind) {
    case "boolean":
      return [{ kind: "boolean" }, readBoolean(value, pos)];
    case "long":
      return [{ kind: "bigint" }, readLong(value, pos)];
    case "double":
      return [{ kind: "double" }, readDouble(value, pos)];
    case "float":
      return [{ kind: "float" }, readDouble(value, pos)];
    case "decimal": {
      const d = readDecimal(value, pos);
      const digits = (d.unscaled < 0n ? -d.unscaled : d.unscaled).toString().length;
      return [DecimalType(Math.max(digits, d.scale, 1), d.scale), d.unscaled];
    }
    case "date":
      return [{ kind: "date" }, Number(readLong(value, pos))];
    case "timestamp":
      return [{ kind: "timestamp" }, Number(readLong(value, pos))];
    case "timestamp_ntz":
      return [{ kind: "timestamp_ntz" }, Number(readLong(value, pos))];
    case "binary":
      return [{ kind: "binary" }, readBinary(value, pos)];
    case "uuid":
      return [{ kind: "string" }, readUuid(value, pos)];
    default:
      return [{ kind: "string" }, readString(value, pos)];
  }
}

/** Append one engine value of type `t` to a builder (null → variant null). */
function appendValue(b: VariantBuilder, t: DataType, x: unknown): void {
  if (x === null || x === undefined) return b.appendNull();
  switch (t.kind) {
    case "boolean":
      return b.appendBoolean(x === true || x === 1);
    case "byte":
    case "short":
    case "int":
    case "bigint":
      return b.appendLong(BigInt(x as number | bigint));
    case "float":
      return b.appendFloat(x as number);
    case "double":
      return b.appendDouble(x as number);
    case "decimal":
      return b.appendDecimal(BigInt(x as bigint), t.scale);
    case "date":
      return b.appendDate(x as number);
    case "timestamp":
    case "timestamp_ntz":
      return b.appendTimestamp(x as number, t.kind === "timestamp_ntz");
    case "binary":
      return b.appendBinary(x as Uint8Array);
    case "variant": {
      const v = x as VariantVal;
      return b.appendVariant(v.value, v.metadata);
    }
    case "array": {
      const start = b.writePos;
      const offsets: number[] = [];
      for (const e of x as unknown[]) {
        offsets.push(b.writePos - start);
        appendValue(b, t.elementType, e);
      }
      return b.finishArray(start, offsets);
    }
    default:
      return b.appendString(String(x));
  }
}

/** An engine value of a castable type as a variant. */
export function toVariant(t: DataType, x: unknown): VariantVal {
  const b = new VariantBuilder();
  appendValue(b, t, x);
  return b.result();
}

/** CAST(v AS to) where v or to is VARIANT; `failOnError` under ANSI CAST, not under try_cast or legacy CAST. */
export function castVariantVector(v: Vector, to: DataType, failOnError: boolean, ctx: EvalContext, tryCast: TryCast): Vector {
  const n = v.length;
  const out: unknown[] = new Array(n).fill(null);
  const validity = new Uint8Array(n);
  const src = v.values as ArrayLike<unknown>;
  const caster = v.type.kind === "variant" ? new VariantCaster(tryCast, ctx, failOnError) : null;
  for (let i = 0; i < n; i++) {
    if (v.validity !== null && v.validity[i] === 0) continue;
    let r: unknown;
    if (caster) {
      const x = src[i] as VariantVal;
      r = caster.cast(x.value, x.metadata, 0, to);
    } else r = toVariant(v.type, v.type.kind === "boolean" ? src[i] === 1 : src[i]);
    if (r === null) continue;
    out[i] = r;
    validity[i] = 1;
  }
  return fromValues(to, out, validity);
}

/** A vector of `to` from engine values (typed storage where the type has one). */
export function fromValues(to: DataType, values: unknown[], validity: Uint8Array): Vector {
  const probe = constantVector(to, null, values.length);
  const store = probe.values as unknown[];
  const typed = !Array.isArray(store);
  for (let i = 0; i < values.length; i++) {
    if (validity[i] === 0) continue;
    const x = values[i];
    (store as unknown[])[i] = typed && typeof x === "boolean" ? (x ? 1 : 0) : (probe.values as unknown) instanceof BigInt64Array ? BigInt(x as bigint) : x;
  }
  return makeVector(to, store as Vector["values"], validity);
}
