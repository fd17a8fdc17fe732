/**
 * typeof(x): Spark's simple type string of the argument ('array<int>', 'void' for an untyped NULL).
 * monotonically_increasing_id(): BIGINT, partition index << 33 plus the row's position in its
 * partition (Spark); physical, so ProjectExec numbers the rows (one partition: 0, 1, 2, ...) and
 * any other placement is refused with a hint.
 * spark_partition_id(): INT, the partition a row is in: 0 for every row on Sluice's one partition.
 */
import { unsupported } from "../../common/errors.js";
import { constantVector, makeVector } from "../../columnar/vector.js";
import { IntegerType, LongType, StringType, simpleString } from "../../types/data-type.js";
import type { ScalarFunction } from "../function-types.js";
import { checkArity, define } from "./kernel.js";

export const miscFunctions: ScalarFunction[] = [
  ...define("typeof", (args, _c, name) => (checkArity(name, args, 1), { argTypes: [args[0]!.type], returnType: StringType, nullable: false }), (_args, argExprs) => {
    const t = argExprs[0]!.type;
    const text = t.kind === "null" ? "void" : simpleString(t);
    return (batch) => makeVector(StringType, new Array<string>(batch.numRows).fill(text), null);
  }),
  ...define(
    "monotonically_increasing_id",
    (args, _c, name) => (checkArity(name, args, 0), { argTypes: [], returnType: LongType, nullable: false }),
    () => {
      throw unsupported(
        "ROW_ID_OUTSIDE_PROJECTION",
        "monotonically_increasing_id() is computed by a projection in Sluice: add it with select() or withColumn() first, then filter, group or sort on that column.",
      );
    },
    { deterministic: false },
  ),
  ...define(
    "spark_partition_id",
    (args, _c, name) => (checkArity(name, args, 0), { argTypes: [], returnType: IntegerType, nullable: false }),
    () => (batch) => constantVector(IntegerType, 0, batch.numRows),
    { deterministic: false },
  ),
];
