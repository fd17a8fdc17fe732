/**
 * Keyword sets that decide where an expression or a name ends. Spark's default mode lets most
 * keywords double as names; these are the words that would make a query ambiguous if they did.
 */

/** Words that end a select item / relation and so cannot be a bare alias (`SELECT a FROM ...`). */
export const NOT_AN_ALIAS: ReadonlySet<string> = new Set([
  "FROM", "WHERE", "GROUP", "HAVING", "ORDER", "SORT", "CLUSTER", "DISTRIBUTE", "LIMIT", "OFFSET",
  "UNION", "INTERSECT", "EXCEPT", "MINUS", "WINDOW", "JOIN", "INNER", "LEFT", "RIGHT", "FULL", "CROSS",
  "SEMI", "ANTI", "NATURAL", "LATERAL", "ON", "USING", "AS", "AND", "OR", "NOT", "IS", "IN", "LIKE",
  "ILIKE", "RLIKE", "REGEXP", "BETWEEN", "WATERMARK", "SELECT", "WHEN", "THEN", "ELSE", "END", "DIV",
  "OVER", "FILTER", "IGNORE", "RESPECT", "ASC", "DESC", "NULLS", "WITH", "VALUES", "TABLESAMPLE",
  "PIVOT", "UNPIVOT", "INSERT", "ESCAPE", "PRECEDING", "FOLLOWING", "ROWS", "RANGE", "TO", "DELAY",
]);

/** Words that cannot start a column reference (a clear syntax error beats a bogus column). */
export const NOT_A_COLUMN: ReadonlySet<string> = new Set([
  "SELECT", "FROM", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "UNION", "INTERSECT",
  "EXCEPT", "JOIN", "ON", "USING", "AS", "AND", "OR", "WHEN", "THEN", "ELSE", "END", "BY",
  "IS", "IN", "BETWEEN", "LIKE", "RLIKE", "ILIKE", "DIV", "OVER", "WITH", "DISTINCT", "INSERT", "CREATE",
]);

/** Interval units, singular and plural, as Spark accepts them. */
export const INTERVAL_UNITS: ReadonlySet<string> = new Set(
  ["YEAR", "MONTH", "WEEK", "DAY", "HOUR", "MINUTE", "SECOND", "MILLISECOND", "MICROSECOND"].flatMap((u) => [u, u + "S"]),
);
