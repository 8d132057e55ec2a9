import type { Customer, ItemRecord } from "@ledgerlink/core";
import type { Kysely } from "kysely";
import { columnsOf } from "./company-store.js";
import { writeOutboundEvents, type NewOutboundEvent } from "./outbound-store.js";
import type { Database } from "./schema.js";

export interface GlobalSyncWrite {
  kind: "customer" | "item";
  record: Customer | ItemRecord;
  qboId: string;
  syncToken: string;
  /** Of the payload the sync would send for this record: the next sync sees nothing to do. */
  fingerprint: string;
}

/**
 * Writes what a global sync brings in from QBO, in one transaction per call: each record (origin
 * "qbo"), its link to the QBO twin, and its `record.created_from_qbo` event. A record whose id is
 * already taken (a global sync before, or the app) is left alone, and neither linked nor announced.
 */
export class GlobalSyncStore {
  constructor(
    private readonly db: Kysely<Database>,
    readonly companyId: string,
  ) {}

  async bringIn(writes: readonly GlobalSyncWrite[], at: string): Promise<{ created: string[] }> {
    return this.db.transaction().execute(async (trx) => {
      const created: string[] = [];
      const events: NewOutboundEvent[] = [];
      for (const w of writes) {
        const inserted = await trx
          .insertInto("records")
          .values({
            company_id: this.companyId,
            kind: w.kind,
            id: w.record.id,
            ...columnsOf(w.kind, w.record as never),
            data: JSON.stringify(w.record),
            updated_at: at,
            deleted_at: null,
            origin: "qbo",
          })
          .onConflict((oc) => oc.columns(["company_id", "kind", "id"]).doNothing())
          .executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) continue;
        await trx
          .insertInto("links")
          .values({
            company_id: this.companyId,
            entity: w.kind,
            local_id: w.record.id,
            qbo_id: w.qboId,
            sync_token: w.syncToken,
            fingerprint: w.fingerprint,
            last_synced_at: at,
          })
          .onConflict((oc) => oc.columns(["company_id", "entity", "local_id"]).doNothing())
          .execute();
        created.push(w.record.id);
        const ref = `${w.kind === "customer" ? "C" : "ITEM"}:${w.record.id}`;
        const name =
          w.kind === "customer" ? (w.record as Customer).displayName : (w.record as ItemRecord).name;
        events.push({
          type: "record.created_from_qbo",
          subject: ref,
          data: {
            ref,
            kind: w.kind,
            id: w.record.id,
            qboId: w.qboId,
            name,
            parentId: w.kind === "customer" ? ((w.record as Customer).parentId ?? null) : null,
            active: w.record.active,
          },
        });
      }
      await writeOutboundEvents(trx, this.companyId, events, at);
      return { created };
    });
  }
}
