/**
 * The target of a cast written as a type name. Spark's parser reads the bare name TIMESTAMP as
 * spark.sql.timestampType (TIMESTAMP_LTZ by default, or TIMESTAMP_NTZ); a plan is built before it
 * meets a session, so such a cast keeps the text it was written with and the analyzer reads it
 * again under the session's setting (`castTarget`). TIMESTAMP_LTZ and TIMESTAMP_NTZ never change.
 */
import { type DataType } from "../types/data-type.js";
import { parseDataType } from "../types/ddl.js";
import type { CastExpr, Expr } from "./expr.js";
import type { EvalContext } from "./function-types.js";

const BARE_TIMESTAMP = /\btimestamp\b/i;

/** CAST(child AS text): `to` as the default session reads it, plus the text when it names bare TIMESTAMP. */
export function castToText(child: Expr, text: string, mode: CastExpr["mode"], to: DataType = parseDataType(text)): CastExpr {
  return BARE_TIMESTAMP.test(text) ? { kind: "cast", child, to, mode, toText: text } : { kind: "cast", child, to, mode };
}

/** The type a cast converts to under the session's settings. */
export function castTarget(e: CastExpr, ctx: Pick<EvalContext, "timestampNTZ">): DataType {
  return e.toText !== undefined && ctx.timestampNTZ ? parseDataType(e.toText, { timestampNTZ: true }) : e.to;
}
