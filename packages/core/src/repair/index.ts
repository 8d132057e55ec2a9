export * from "./clean-text.js";
export * from "./shorten-doc-number.js";
export * from "./field-path.js";
export * from "./apply-repairs.js";
export * from "./validate-and-repair.js";
