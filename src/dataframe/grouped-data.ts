/**
 * GroupedData: the result of groupBy/rollup/cube, turned into a DataFrame by agg() or one of the
 * shorthand aggregates. Names follow Spark: `count`, `sum(x)`, `avg(x)`, …
 */
import { analysisError } from "../common/errors.js";
import { Column } from "../expr/column.js";
import type { Expr } from "../expr/expr.js";
import { isNumeric } from "../types/data-type.js";
import type { StatefulProcessor } from "../plan/transform-with-state.js";
import type { DataFrame } from "./dataframe.js";
import type { TransformWithStateOptions } from "./key-value-grouped-dataset.js";

const call = (name: string, arg: Expr): Expr => ({ kind: "call", name, args: [arg] });

/** What `df.groupBy(...)` returns: `agg`, `count`, `sum`, `avg`, `min`, `max`, as PySpark's `GroupedData`. */
export class GroupedData {
  constructor(
    private readonly df: DataFrame,
    private readonly keys: readonly Expr[],
    private readonly grouping: "groupBy" | "rollup" | "cube",
  ) {}

  /** `agg(F.sum("x"), F.count("*").alias("n"))` or `agg({ x: "sum", y: "max" })`. */
  agg(...exprs: (Column | Record<string, string>)[]): DataFrame {
    const aggs: Expr[] = [];
    for (const e of exprs) {
      if (e instanceof Column) aggs.push(e.expr);
      else for (const [column, fn] of Object.entries(e)) aggs.push(call(fn.toLowerCase() === "mean" ? "avg" : fn.toLowerCase(), this.ref(column)));
    }
    if (aggs.length === 0) throw analysisError("AGG_WITHOUT_EXPRESSIONS", "agg() needs at least one aggregate expression");
    return this.df.aggregate(this.keys, [...this.keys, ...aggs], this.grouping);
  }

  /** Row count per group, in a column named `count`. */
  count(): DataFrame {
    return this.agg(new Column({ kind: "alias", child: call("count", { kind: "literal", value: 1, type: { kind: "int" } }), name: "count" }));
  }
  sum(...cols: string[]): DataFrame {
    return this.numeric("sum", cols);
  }
  avg(...cols: string[]): DataFrame {
    return this.numeric("avg", cols);
  }
  mean(...cols: string[]): DataFrame {
    return this.numeric("avg", cols);
  }
  min(...cols: string[]): DataFrame {
    return this.numeric("min", cols);
  }
  max(...cols: string[]): DataFrame {
    return this.numeric("max", cols);
  }

  /**
   * PySpark's transformWithStateInPandas shape: `groupBy("user").transformWithState(processor, …)`
   * runs the processor per group with the key as an array of the grouping values (PySpark's
   * tuple); the same as `groupByKey(row => [row.user])`. Grouping by plain columns only.
   */
  transformWithState(processor: StatefulProcessor<unknown[]>, options: TransformWithStateOptions): DataFrame {
    if (this.grouping !== "groupBy") throw analysisError("INVALID_TRANSFORM_WITH_STATE_GROUPING", `transformWithState needs groupBy(...) columns, not ${this.grouping}(...)`);
    const columns = new Set(this.df.columns);
    const names = this.keys.map((k) => {
      const name = k.kind === "column" ? k.nameParts.at(-1)! : undefined;
      if (name === undefined || !columns.has(name)) throw analysisError("INVALID_TRANSFORM_WITH_STATE_GROUPING", "transformWithState groups by plain columns (groupBy(\"user\")); use groupByKey(row => key) for computed keys");
      return name;
    });
    return this.df.groupByKey((row) => names.map((n) => row[n])).transformWithState(processor, options);
  }

  private ref(name: string): Expr {
    return this.df.col(name).expr;
  }

  /** Spark: with no names, every numeric column; named columns must be numeric. */
  private numeric(fn: string, cols: string[]): DataFrame {
    const schema = this.df.schema;
    const names = cols.length > 0 ? cols : schema.fields.filter((f) => isNumeric(f.type)).map((f) => f.name);
    for (const n of cols) {
      const f = schema.field(n);
      if (!isNumeric(f.type)) {
        throw analysisError("NON_NUMERIC_AGGREGATE", `"${n}" is not a numeric column. Aggregation function can only be applied on a numeric column.`, { column: n });
      }
    }
    return this.agg(...names.map((n) => new Column(call(fn, this.ref(n)))));
  }
}
