/**
 * Type widening on write (PROTOCOL.md §Type Widening): `ALTER TABLE t ALTER COLUMN c TYPE <wider>`
 * on a table with `delta.enableTypeWidening` = true, as delta-spark 4.0 checks and records it
 * (scripts/oracle/delta_table_upgrades.py, cases tw-*):
 *   1. Spark's analyzer first: the change must be an up-cast (Spark's UpCastRule), else
 *      NOT_SUPPORTED_CHANGE_COLUMN (INT → DECIMAL(9,0), BIGINT → INT, FLOAT → DECIMAL, a decimal
 *      losing integer digits);
 *   2. then Delta: the table must have type widening on and the change must be one Delta's
 *      readers can apply to old files (TypeWidening.isTypeChangeSupported), else
 *      DELTA_UNSUPPORTED_ALTER_TABLE_CHANGE_COL_OP (INT → STRING, BIGINT → DOUBLE,
 *      DATE → TIMESTAMP, TINYINT → DECIMAL(3,0));
 *   3. the data files keep their narrow physical type; the field records the change in its
 *      metadata, `delta.typeChanges` = [{toType, fromType[, fieldPath]}], appended to earlier
 *      ones; a change of an array element or map key/value is recorded on the enclosing field
 *      with fieldPath `element` / `key` / `value`. Readers widen old values (column-mapping.ts).
 * Turning type widening on adds the `typeWidening` reader and writer feature (reader 3, writer 7);
 * turning it off only changes the property (the recorded type changes stay).
 */
import { analysisError } from "../common/errors.js";
import type { DataType } from "../types/data-type.js";
import { sqlTypeName } from "../types/data-type.js";
import { dataTypeToJson } from "../types/json-schema.js";
import type { Protocol } from "./actions.js";
import { withTableFeature } from "./protocol.js";
import { TIMESTAMP_NTZ_FEATURE } from "./timestamp-ntz-feature.js";

export const TYPE_WIDENING_KEY = "delta.enableTypeWidening";
export const TYPE_CHANGES_KEY = "delta.typeChanges";
const FEATURE = "typeWidening";

export const typeWideningEnabled = (configuration: Readonly<Record<string, string>>): boolean => configuration[TYPE_WIDENING_KEY]?.toLowerCase() === "true";

/** `p` with the typeWidening feature on both sides, or undefined when it has it already. */
export const withTypeWidening = (p: Protocol): Protocol | undefined => withTableFeature(p, FEATURE, true);

const NUMERIC = ["byte", "short", "int", "bigint", "float", "double"];
/** The decimal an integral type fits in (Spark's DecimalType.forType). */
const INTEGRAL_DIGITS: Record<string, number> = { byte: 3, short: 5, int: 10, bigint: 20 };

const typeName = (t: DataType): string => String(dataTypeToJson(t));
const same = (a: DataType, b: DataType): boolean => JSON.stringify(dataTypeToJson(a)) === JSON.stringify(dataTypeToJson(b));

/** Spark's DecimalType.isWiderThan: at least as many integer digits and as many fraction digits. */
function decimalWider(to: DataType, from: DataType): boolean {
  if (to.kind !== "decimal") return false;
  const f = from.kind === "decimal" ? from : INTEGRAL_DIGITS[from.kind] !== undefined ? { precision: INTEGRAL_DIGITS[from.kind]!, scale: 0 } : undefined;
  return f !== undefined && to.precision - to.scale >= f.precision - f.scale && to.scale >= f.scale;
}

/** Spark's Cast.canUpCast for the atomic types a Delta column can have. */
function canUpCast(from: DataType, to: DataType): boolean {
  if (same(from, to) || to.kind === "string") return true;
  if (from.kind === "date") return to.kind === "timestamp" || to.kind === "timestamp_ntz";
  if (from.kind === "timestamp" || from.kind === "timestamp_ntz") return to.kind === "timestamp" || to.kind === "timestamp_ntz" || (from.kind === "timestamp" && to.kind === "bigint");
  if (from.kind === "bigint" && to.kind === "timestamp") return true;
  if (to.kind === "decimal") return decimalWider(to, from);
  if (from.kind === "decimal") return INTEGRAL_DIGITS[to.kind] !== undefined && from.precision - from.scale <= INTEGRAL_DIGITS[to.kind]! && from.scale === 0;
  const a = NUMERIC.indexOf(from.kind);
  return a >= 0 && NUMERIC.indexOf(to.kind) > a;
}

/** delta-spark's TypeWidening.isTypeChangeSupported: the changes its Parquet readers apply to old files. */
function deltaSupports(from: DataType, to: DataType): boolean {
  const integral = INTEGRAL_DIGITS[from.kind] !== undefined;
  if (integral && INTEGRAL_DIGITS[to.kind] !== undefined) return INTEGRAL_DIGITS[to.kind]! >= INTEGRAL_DIGITS[from.kind]!;
  if (from.kind === "float") return to.kind === "double";
  if (from.kind === "date") return to.kind === "timestamp_ntz";
  if (from.kind === "decimal") return decimalWider(to, from);
  // INT32-stored types (byte, short, int) read as DECIMAL(10, 0) and wider, INT64 as DECIMAL(20, 0) and wider
  if (integral && to.kind === "decimal") return decimalWider(to, from.kind === "bigint" ? from : { kind: "int" });
  return integral && from.kind !== "bigint" && to.kind === "double";
}

export interface TypeChangeContext {
  /** The column as the user named it, for messages. */
  readonly path: string;
  readonly table: string;
  readonly configuration: Readonly<Record<string, string>>;
  readonly protocol: Protocol;
}

/** Throws unless the column at `ctx.path` may change from `from` to `to` (the checks in the header). */
export function checkTypeChange(from: DataType, to: DataType, ctx: TypeChangeContext): void {
  const name = "`" + ctx.path + "`";
  if (!canUpCast(from, to)) {
    throw analysisError(
      "NOT_SUPPORTED_CHANGE_COLUMN",
      `[NOT_SUPPORTED_CHANGE_COLUMN] ALTER TABLE ALTER/CHANGE COLUMN is not supported for changing delta.\`${ctx.table}\`'s column ${name} with type "${sqlTypeName(from)}" to ${name} with type "${sqlTypeName(to)}".`,
      { table: ctx.table, column: ctx.path },
    );
  }
  if (!typeWideningEnabled(ctx.configuration) || !deltaSupports(from, to)) {
    throw analysisError(
      "DELTA_UNSUPPORTED_ALTER_TABLE_CHANGE_COL_OP",
      `[DELTA_UNSUPPORTED_ALTER_TABLE_CHANGE_COL_OP] ALTER TABLE CHANGE COLUMN is not supported for changing column ${ctx.path} from ${sqlTypeName(from)} to ${sqlTypeName(to)}` +
        (typeWideningEnabled(ctx.configuration) ? "" : ` (type changes need type widening: ALTER TABLE ... SET TBLPROPERTIES ('${TYPE_WIDENING_KEY}' = 'true'))`),
      { table: ctx.table, column: ctx.path },
    );
  }
  // delta-spark 4.0 fails here without an error class (a Py4J error); Sluice names the missing feature
  if (to.kind === "timestamp_ntz" && !(ctx.protocol.writerFeatures ?? []).includes(TIMESTAMP_NTZ_FEATURE)) {
    throw analysisError(
      "DELTA_FEATURES_REQUIRE_MANUAL_ENABLEMENT",
      `[DELTA_FEATURES_REQUIRE_MANUAL_ENABLEMENT] Changing ${ctx.path} to TIMESTAMP_NTZ needs the table feature ${TIMESTAMP_NTZ_FEATURE}: create the table with TBLPROPERTIES ('delta.feature.${TIMESTAMP_NTZ_FEATURE}' = 'supported').`,
      { table: ctx.table, column: ctx.path, feature: TIMESTAMP_NTZ_FEATURE },
    );
  }
}

/** A field's metadata with the change from `from` to `to` (of its nested `fieldPath` when given) appended to `delta.typeChanges`. */
export function withTypeChange(metadata: Readonly<Record<string, unknown>> | undefined, from: DataType, to: DataType, fieldPath: readonly string[]): Record<string, unknown> {
  const earlier = (metadata?.[TYPE_CHANGES_KEY] as unknown[] | undefined) ?? [];
  const change = { toType: typeName(to), fromType: typeName(from), ...(fieldPath.length > 0 ? { fieldPath: fieldPath.join(".") } : {}) };
  return { ...metadata, [TYPE_CHANGES_KEY]: [...earlier, change] };
}
