import type { Role } from "@ledgerlink/store";
import type { Context } from "hono";

/** Who a request acts as: an integrator's API key or a console user's session. */
export interface Principal {
  kind: "api-key" | "session";
  /** The key's or the user's id. */
  id: string;
  /** For the audit log: the user's email, or `key:<name>`. */
  label: string;
  role: Role;
  /** null: operator-wide; otherwise the one company this principal may see. */
  companyId: string | null;
  /** Sessions only: SHA-256 of the CSRF token the client must echo on state-changing requests. */
  csrfHash?: string;
  /**
   * Sessions only: someone else chose this user's password, so until they choose their own the session
   * may only ask who it is, change the password and sign out (the authenticate middleware holds it).
   */
  mustChangePassword?: boolean;
}

declare module "hono" {
  interface ContextVariableMap {
    principal: Principal | undefined;
  }
}

/** The request's principal (undefined on the public paths). */
export function principalOf(c: Context): Principal | undefined {
  return c.get("principal");
}

/** May this principal see `companyId`? */
export const seesCompany = (p: Principal, companyId: string): boolean =>
  p.companyId === null || p.companyId === companyId;
