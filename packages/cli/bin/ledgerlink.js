#!/usr/bin/env node
// Committed shim so `npx ledgerlink` is linked at install time, before the TypeScript is built.
import { existsSync } from "node:fs";

const built = new URL("../dist/bin.js", import.meta.url);
if (!existsSync(built)) {
  console.error("ledgerlink is not built yet: run `npm run build` (or `npm start`) in the repository first.");
  process.exit(2);
}
await import(built.href);
