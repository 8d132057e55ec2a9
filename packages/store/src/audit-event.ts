import type { Kysely } from "kysely";
import { newId } from "./ids.js";
import type { Database } from "./schema.js";

export interface AuditEntry {
  ref: string;
  action: string;
  actor: string;
  detail: Record<string, unknown>;
  /** Defaults to now. */
  at?: string;
}

/** Writes one audit-log row; pass a transaction so the entry commits with the change it describes. */
export async function insertAuditEvent(
  db: Kysely<Database>,
  companyId: string,
  e: AuditEntry,
): Promise<void> {
  await db
    .insertInto("audit_events")
    .values({
      id: newId(),
      company_id: companyId,
      at: e.at ?? new Date().toISOString(),
      actor: e.actor,
      ref: e.ref,
      action: e.action,
      detail: JSON.stringify(e.detail),
    })
    .execute();
}
