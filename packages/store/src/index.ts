export * from "./schema.js";
export * from "./open-database.js";
export * from "./company-store.js";
export * from "./store.js";
export { newId } from "./ids.js";
export * from "./test-databases.js";
export * from "./connection-store.js";
export * from "./named-lock.js";
export * from "./qbo-mirror-store.js";
