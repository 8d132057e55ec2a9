import { hash, verify } from "@node-rs/argon2";
import { randomBytes } from "node:crypto";

/**
 * Passwords are kept as argon2id PHC strings (@node-rs/argon2's defaults: 19 MiB, t=2, p=1, the
 * OWASP baseline); never as anything reversible.
 */
export async function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** Constant-time by construction (argon2 compares the derived hashes); false on a malformed hash. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A password to print once for a generated account: 18 random bytes, URL-safe. */
export const generatedPassword = (): string => randomBytes(18).toString("base64url");

/** A hash to verify against when the email is unknown, so a miss takes as long as a wrong password. */
let decoy: Promise<string> | undefined;
export const decoyHash = (): Promise<string> => (decoy ??= hash(generatedPassword()));

export const minPasswordLength = 12;
