export * from "./data-type.js";
export { StructType, StructField, toStructType } from "./struct-type.js";
export { parseDDLSchema, parseDataType } from "./ddl.js";
export { dataTypeFromJson, dataTypeToJson } from "./json-schema.js";
export { VariantVal } from "./variant-val.js";
