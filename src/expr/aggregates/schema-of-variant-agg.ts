/**
 * schema_of_variant_agg: the merged schema of every non-null VARIANT in a group, as Spark's
 * SchemaOfVariantAgg (merge rules in functions/variant-schema.ts); a group with no non-null
 * variant gives VOID. The partial state is the merged type in Spark's JSON schema form, so
 * partial aggregates merge exactly.
 */
import { getValue } from "../../columnar/column-batch.js";
import { makeVector, type Vector } from "../../columnar/vector.js";
import { type DataType, NullType, StringType } from "../../types/data-type.js";
import { dataTypeFromJson, dataTypeToJson } from "../../types/json-schema.js";
import type { VariantVal } from "../../types/variant-val.js";
import type { AggregateFunction, ArgInfo, GroupAccumulator } from "../function-types.js";
import { mergeVariantSchemas, schemaOfVariant, variantSchemaText } from "../functions/variant-schema.js";
import { checkArity, unexpectedType } from "./common.js";

class SchemaAccumulator implements GroupAccumulator {
  private types: DataType[] = [];

  private at(g: number): DataType {
    return this.types[g] ?? NullType;
  }

  private fold(groupIds: Int32Array, numRows: number, typeOf: (i: number) => DataType | null): void {
    for (let i = 0; i < numRows; i++) {
      const t = typeOf(i);
      if (t !== null) this.types[groupIds[i]!] = mergeVariantSchemas(this.at(groupIds[i]!), t);
    }
  }

  update(groupIds: Int32Array, args: readonly Vector[], numRows: number): void {
    const v = args[0]!;
    this.fold(groupIds, numRows, (i) => {
      const x = getValue(v, i) as VariantVal | null;
      return x === null ? null : schemaOfVariant(x);
    });
  }

  evaluate(numGroups: number): Vector {
    return makeVector(StringType, Array.from({ length: numGroups }, (_, g) => variantSchemaText(this.at(g))));
  }

  state(numGroups: number): Vector[] {
    return [makeVector(StringType, Array.from({ length: numGroups }, (_, g) => JSON.stringify(dataTypeToJson(this.at(g)))))];
  }

  merge(groupIds: Int32Array, states: readonly Vector[], numRows: number): void {
    const s = states[0]!;
    this.fold(groupIds, numRows, (i) => {
      const text = getValue(s, i) as string | null;
      return text === null ? null : dataTypeFromJson(JSON.parse(text));
    });
  }
}

export const schemaOfVariantAgg: AggregateFunction = {
  name: "schema_of_variant_agg",
  nonNullableState: true,
  resolve(args: readonly ArgInfo[]) {
    checkArity("schema_of_variant_agg", args, 1);
    const t = args[0]!.type;
    if (t.kind !== "variant" && t.kind !== "null") unexpectedType("schema_of_variant_agg", 0, t, 'the "VARIANT" type');
    return { argTypes: [t], returnType: StringType, nullable: false, stateTypes: [StringType] };
  },
  create: () => new SchemaAccumulator(),
};
