import { InvalidArgumentError } from "commander";

/** A commander parser for a whole number ≥ 1; a bad value is a usage error naming the flag. */
export function positiveInt(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} must be a whole number ≥ 1`);
    return n;
  };
}

/** A commander parser for repeated `key=value` flags, collected into one object. */
export function keyValue(flag: string) {
  return (value: string, prev: Record<string, string>): Record<string, string> => {
    const eq = value.indexOf("=");
    if (eq <= 0) throw new InvalidArgumentError(`${flag} takes key=value, got "${value}"`);
    return { ...prev, [value.slice(0, eq).trim()]: value.slice(eq + 1) };
  };
}
