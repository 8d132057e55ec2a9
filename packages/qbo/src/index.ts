export * from "./qbo-error.js";
export * from "./parse-fault.js";
export * from "./query-builder.js";
export * from "./entity-types.js";
export * from "./minor-version.js";
export * from "./retry-policy.js";
export * from "./rate-limiter.js";
export * from "./qbo-client.js";
