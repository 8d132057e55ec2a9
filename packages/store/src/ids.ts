import { randomBytes } from "node:crypto";

let lastTime = 0;
let counter = 0;

/**
 * Time-ordered unique ids (milliseconds in base 36, a counter within the millisecond, then random), so
 * rows sort by creation in both SQLite and PostgreSQL without an autoincrement column.
 */
export function newId(now: number = Date.now()): string {
  if (now === lastTime) counter++;
  else {
    lastTime = now;
    counter = 0;
  }
  return (
    now.toString(36).padStart(9, "0") + counter.toString(36).padStart(3, "0") + randomBytes(5).toString("hex")
  );
}
