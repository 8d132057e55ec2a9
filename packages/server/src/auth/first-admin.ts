import type { Clock } from "@ledgerlink/core";
import type { Store } from "@ledgerlink/store";
import { generatedPassword, hashPassword } from "./passwords.js";

export interface FirstAdmin {
  email: string;
  /** Shown once to whoever started the server; only its argon2 hash is stored. */
  password: string;
}

export const firstAdminEmail = "admin@localhost";

/**
 * With no console user yet, makes an operator-wide admin with a random password and returns it (to be
 * printed once); otherwise undefined. Without it nobody could sign in to a fresh install. The password
 * is generated and printed where others may read it (a terminal, a service's log), so the admin must
 * choose their own at first sign-in.
 */
export async function ensureFirstAdmin(store: Store, clock: Clock): Promise<FirstAdmin | undefined> {
  if ((await store.auth.countUsers()) > 0) return undefined;
  const password = generatedPassword();
  await store.auth.createUser({
    email: firstAdminEmail,
    name: "Administrator",
    passwordHash: await hashPassword(password),
    role: "admin",
    companyId: null,
    at: clock.now().toISOString(),
    by: "first start",
    mustChangePassword: true,
  });
  return { email: firstAdminEmail, password };
}
