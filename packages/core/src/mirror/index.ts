export * from "./qbo-mirror.js";
export * from "./pull-qbo.js";
export * from "./snapshot-from-mirror.js";
