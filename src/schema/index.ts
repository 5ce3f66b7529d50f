export { validators, type SchemaError, type Validator } from "./validators.js";
export * from "./generated/index.js";
