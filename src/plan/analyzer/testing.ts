/**
 * A small fake FunctionCatalog and AnalyzerEnv for analyzer tests, so they do not depend on the
 * function library. Type rules follow Spark for the few functions here; `compile` is not used.
 */
import { analysisError } from "../../common/errors.js";
import type {
  AggregateFunction,
  ArgInfo,
  FunctionCatalog,
  ResolvedSignature,
  ScalarFunction,
  WindowFunction,
} from "../../expr/function-types.js";
import { commonType } from "../../types/coercion.js";
import {
  ArrayType,
  BooleanType,
  type DataType,
  DoubleType,
  IntegerType,
  LongType,
  StringType,
  TimestampType,
  isNumeric,
  sqlTypeName,
} from "../../types/data-type.js";
import { StructType } from "../../types/struct-type.js";
import type { AnalyzerEnv } from "../analyzer-env.js";
import type { LogicalPlan } from "../logical-plan.js";
import type { ResolvedPlan } from "../resolved-plan.js";

const notCompiled = (): never => {
  throw new Error("test catalog functions are not compiled");
};

function scalar(name: string, resolve: (args: readonly ArgInfo[]) => ResolvedSignature): ScalarFunction {
  return { name, resolve: (args) => resolve(args), compile: notCompiled };
}

const mismatch = (name: string, args: readonly ArgInfo[]): never => {
  throw analysisError("DATATYPE_MISMATCH", `${name} got (${args.map((a) => sqlTypeName(a.type)).join(", ")})`);
};

/** Both sides to their common type; result `ret` (or the common type). */
const binary = (name: string, ret?: DataType, numericOnly = false): ScalarFunction =>
  scalar(name, (args) => {
    const t = commonType(args.map((a) => a.type));
    if (!t || (numericOnly && !isNumeric(t) && t.kind !== "null")) return mismatch(name, args);
    return { argTypes: args.map(() => t), returnType: ret ?? t };
  });

const WINDOW_STRUCT = new StructType([
  { name: "start", type: TimestampType, nullable: true },
  { name: "end", type: TimestampType, nullable: true },
]);

const scalars: ScalarFunction[] = [
  binary("add", undefined, true),
  binary("subtract", undefined, true),
  binary("multiply", undefined, true),
  binary("mod", undefined, true),
  scalar("divide", (args) => ({ argTypes: args.map(() => DoubleType), returnType: DoubleType })),
  ...["eq", "neq", "lt", "lte", "gt", "gte", "eq_null_safe", "in"].map((n) => binary(n, BooleanType)),
  scalar("and", (args) => ({ argTypes: [BooleanType, BooleanType], returnType: BooleanType })),
  scalar("or", (args) => ({ argTypes: [BooleanType, BooleanType], returnType: BooleanType })),
  scalar("not", () => ({ argTypes: [BooleanType], returnType: BooleanType })),
  scalar("isnull", (args) => ({ argTypes: args.map((a) => a.type), returnType: BooleanType, nullable: false })),
  scalar("isnotnull", (args) => ({ argTypes: args.map((a) => a.type), returnType: BooleanType, nullable: false })),
  scalar("upper", () => ({ argTypes: [StringType], returnType: StringType })),
  binary("coalesce"),
  scalar("struct", (args) => ({
    argTypes: args.map((a) => a.type),
    returnType: new StructType(args.map((a, i) => ({ name: `col${i + 1}`, type: a.type, nullable: a.nullable }))),
    nullable: false,
  })),
  scalar("get_struct_field", (args) => {
    const s = args[0]!.type;
    const name = args[1]!.literal!.value as string;
    if (s.kind !== "struct") return mismatch("get_struct_field", args);
    const f = s.fields.find((x) => x.name === name)!;
    return { argTypes: [s, StringType], returnType: f.type, nullable: args[0]!.nullable || f.nullable };
  }),
  scalar("get_item", (args) => {
    const c = args[0]!.type;
    if (c.kind === "array") return { argTypes: [c, IntegerType], returnType: c.elementType, nullable: true };
    if (c.kind === "map") return { argTypes: [c, c.keyType], returnType: c.valueType, nullable: true };
    return mismatch("get_item", args);
  }),
  scalar("window", (args) => ({ argTypes: args.map((a, i) => (i === 0 ? TimestampType : a.type)), returnType: WINDOW_STRUCT, nullable: true })),
  scalar("__sliding_windows", (args) => ({ argTypes: args.map((a) => a.type), returnType: ArrayType(WINDOW_STRUCT, false), nullable: true })),
  scalar("transform", (args) => ({ argTypes: args.map((a) => a.type), returnType: ArrayType(args[1]!.type) })),
];

function agg(name: string, ret: (args: readonly ArgInfo[]) => DataType, nullable = true): AggregateFunction {
  return {
    name,
    resolve: (args) => {
      const t = ret(args);
      return { argTypes: args.map((a) => a.type), returnType: t, nullable, stateTypes: [t] };
    },
    create: notCompiled,
  };
}

const aggregates: AggregateFunction[] = [
  agg("count", () => LongType, false),
  agg("sum", (a) => (a[0]!.type.kind === "int" || a[0]!.type.kind === "bigint" ? LongType : DoubleType)),
  agg("avg", () => DoubleType),
  agg("mean", () => DoubleType),
  agg("min", (a) => a[0]!.type),
  agg("max", (a) => a[0]!.type),
  agg("first", (a) => a[0]!.type),
  agg("collect_list", (a) => ArrayType(a[0]!.type, false), false),
];

function win(name: string, ret: (args: readonly ArgInfo[]) => DataType, requiresOrder: boolean): WindowFunction {
  return {
    name,
    resolve: (args) => ({ argTypes: args.map((a) => a.type), returnType: ret(args), requiresOrder }),
    evaluate: notCompiled,
  };
}

const windows: WindowFunction[] = [
  win("row_number", () => IntegerType, true),
  win("rank", () => IntegerType, true),
  win("lag", (a) => a[0]!.type, true),
  win("lead", (a) => a[0]!.type, true),
];

/** The fake catalog. */
export const testFunctions: FunctionCatalog = {
  scalar: (n) => scalars.find((f) => f.name === n),
  aggregate: (n) => aggregates.find((f) => f.name === n),
  window: (n) => windows.find((f) => f.name === n),
  names: () => [...scalars, ...aggregates, ...windows].map((f) => f.name),
};

/** An env over the fake catalog; views by lower-case name; sources by format → DDL. */
export function testEnv(
  opts: { views?: Record<string, LogicalPlan | ResolvedPlan>; sources?: Record<string, string>; caseSensitive?: boolean; ansi?: boolean } = {},
): AnalyzerEnv {
  return {
    functions: testFunctions,
    eval: { timeZone: "UTC", ansi: opts.ansi ?? true, currentTimestampUs: 0 },
    caseSensitive: opts.caseSensitive ?? false,
    lookupRelation: (parts) => opts.views?.[parts.join(".").toLowerCase()],
    resolveSource: (spec) => {
      const ddl = opts.sources?.[spec.format];
      if (ddl === undefined) throw analysisError("PATH_NOT_FOUND", `no test source ${spec.format}`);
      return StructType.fromDDL(ddl);
    },
  };
}
