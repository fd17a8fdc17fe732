/**
 * Spark 4's VARIANT functions: parse_json / try_parse_json (JSON text → variant;
 * variant-from-json.ts), variant_get / try_variant_get (a literal path and target type;
 * variant-path.ts, expr/variant-cast.ts), schema_of_variant (variant-schema.ts) and
 * is_variant_null. to_json of a variant lives with the other to_json forms (json.ts).
 */
import { analysisError, executionError, SluiceError } from "../../common/errors.js";
import { BooleanType, type DataType, StringType, VariantType } from "../../types/data-type.js";
import { parseDataType } from "../../types/ddl.js";
import { MalformedJson, parseJsonToVariant } from "../../types/variant-from-json.js";
import { variantKind } from "../../types/variant-encoding.js";
import type { VariantVal } from "../../types/variant-val.js";
import { castVector } from "../cast.js";
import type { ArgInfo, EvalContext, ScalarFunction } from "../function-types.js";
import { VariantCaster } from "../variant-cast.js";
import { checkArity, define, isLiteral, literalOf, mapRows, typeMismatch } from "./kernel.js";
import { followVariantPath, parseVariantPath } from "./variant-path.js";
import { schemaOfVariant, variantSchemaText } from "./variant-schema.js";

/** parse_json's failure, as Spark reports it (a duplicate key is the cause of the same error). */
function malformed(text: string, cause: unknown): SluiceError {
  const detail = cause instanceof SluiceError ? ` (${cause.code}: ${cause.message})` : "";
  return executionError(
    "MALFORMED_RECORD_IN_PARSING",
    `Malformed records are detected in record parsing: ${JSON.stringify(text.length > 200 ? text.slice(0, 200) + "…" : text)}${detail}. Use try_parse_json to get NULL for text that is not valid JSON.`,
    { cause: cause instanceof SluiceError ? cause.code : "JSON" },
    cause,
  );
}

function parseOrNull(text: string, fail: boolean): VariantVal | null {
  try {
    return parseJsonToVariant(text);
  } catch (e) {
    if (!(e instanceof MalformedJson) && !(e instanceof SluiceError && e.code === "VARIANT_DUPLICATE_KEY")) throw e;
    if (fail) throw malformed(text, e);
    return null;
  }
}

const variantArg = (name: string, a: ArgInfo, i: number): void => {
  if (a.type.kind !== "variant" && a.type.kind !== "null") typeMismatch(name, i, a.type, "a VARIANT");
};

/** The literal string argument `i`, or DATATYPE_MISMATCH.NON_FOLDABLE_INPUT as Spark. */
function literalText(name: string, args: readonly ArgInfo[], i: number, what: string): string {
  const a = args[i]!;
  const v = literalOf(a);
  if (!isLiteral(a) || typeof v !== "string") {
    throw analysisError("DATATYPE_MISMATCH", `Cannot resolve \`${name}\` due to data type mismatch: the ${what} (parameter ${i + 1}) must be a constant STRING.`, { function: name, argument: i + 1 });
  }
  return v;
}

function resolveGet(args: readonly ArgInfo[], _ctx: EvalContext, name: string) {
  checkArity(name, args, 2, 3);
  variantArg(name, args[0]!, 0);
  parseVariantPath(literalText(name, args, 1, "path"), name);
  const returnType: DataType = args.length === 3 ? parseDataType(literalText(name, args, 2, "target type")) : VariantType;
  if (returnType.kind === "null") typeMismatch(name, 2, returnType, "a type other than VOID");
  return { argTypes: args.map((a) => a.type), returnType };
}

function compileGet(failOnError: boolean) {
  return (args: Parameters<ScalarFunction["compile"]>[0], argExprs: Parameters<ScalarFunction["compile"]>[1], returnType: DataType, ctx: EvalContext, name: string) => {
    const steps = parseVariantPath(literalOf(argExprs[1]) as string, name);
    const caster = new VariantCaster((v, to) => castVector(v, to, "try", ctx), ctx, failOnError);
    return mapRows([args[0]!], returnType, ([v]) => {
      const x = v as VariantVal;
      const pos = followVariantPath(x.value, x.metadata, steps);
      return pos < 0 ? null : caster.cast(x.value, x.metadata, pos, returnType);
    });
  };
}

export const variantFunctions: ScalarFunction[] = [
  ...define(["parse_json", "try_parse_json"], (args, _c, name) => {
    checkArity(name, args, 1);
    if (args[0]!.type.kind !== "string" && args[0]!.type.kind !== "null") typeMismatch(name, 0, args[0]!.type, "a STRING");
    return { argTypes: [StringType], returnType: VariantType };
  }, (args, _e, _rt, _ctx, name) => mapRows(args, VariantType, ([s]) => parseOrNull(s as string, name === "parse_json"))),
  ...define("variant_get", resolveGet, compileGet(true)),
  ...define("try_variant_get", resolveGet, compileGet(false)),
  ...define("schema_of_variant", (args, _c, name) => {
    checkArity(name, args, 1);
    variantArg(name, args[0]!, 0);
    return { argTypes: [args[0]!.type], returnType: StringType };
  }, (args) => mapRows(args, StringType, ([v]) => variantSchemaText(schemaOfVariant(v as VariantVal)))),
  ...define("is_variant_null", (args, _c, name) => {
    checkArity(name, args, 1);
    variantArg(name, args[0]!, 0);
    return { argTypes: [args[0]!.type], returnType: BooleanType, nullable: false };
  }, (args) => mapRows(args, BooleanType, ([v]) => v !== null && variantKind((v as VariantVal).value, 0) === "null", false)),
];
