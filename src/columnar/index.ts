export * from "./vector.js";
export * from "./values.js";
export * from "./column-batch.js";
