export * from "./principal.js";
export * from "./authenticate.js";
export * from "./auth-routes.js";
export * from "./first-admin.js";
export * from "./passwords.js";
export * from "./constant-time.js";
export * from "./rate-limit.js";
export * from "./security-headers.js";
