/** Conditions and assignments of the DeltaTable commands: a SQL expression string or a Column. */
import type { Column } from "../../expr/column.js";
import { expr } from "../../expr/functions.js";

export type Cond = Column | string;

export const toCol = (c: Cond): Column => (typeof c === "string" ? expr(c) : c);

/** The condition as commitInfo.operationParameters records it (a Column has no SQL text here). */
export const condText = (c: Cond | undefined): string | null => (c === undefined ? null : typeof c === "string" ? c : "<column>");
