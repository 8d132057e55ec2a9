export * from "./qbo-snapshot.js";
export * from "./qbo-rules.js";
export * from "./finding.js";
export * from "./policy.js";
export * from "./name-key.js";
export * from "./line-amount.js";
export * from "./validate.js";
export * from "./rule-showcase.js";
