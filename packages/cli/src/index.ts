export { createProgram } from "./program.js";
export { exitCodes } from "./exit-codes.js";
