import { canonicalJson, type IncomingRecordOf } from "@ledgerlink/core";
import { sql, type Kysely } from "kysely";
import { columnsOf, type RecordKindName } from "./company-store.js";
import { newId } from "./ids.js";
import { refOf, storedKindOfRef } from "./record-ref-sql.js";
import type { Database } from "./schema.js";

/** Why an edit made through a fix was refused; `ref` names the record. Nothing was written. */
export class RecordEditError extends Error {
  override readonly name = "RecordEditError";
  constructor(
    readonly ref: string,
    readonly reason: "not-found" | "changed-since" | "already-linked" | "qbo-not-found",
    message: string,
  ) {
    super(message);
  }
}

export interface RecordEdit {
  ref: string;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  changed: boolean;
}

/**
 * The edits a person makes to the app's records from the Errors view (a field corrected, a number
 * shortened, an item mapped to a QBO item). Each is one transaction with its audit entry (before and
 * after), applied only if the record is still as it was read, and it marks the record changed
 * (`updated_at`), so the next sync considers it again.
 */
export class RecordEditStore {
  constructor(
    private readonly db: Kysely<Database>,
    readonly companyId: string,
  ) {}

  /** The live record's data; `RecordEditError` not-found when the company has no such live record. */
  async read(ref: string): Promise<Record<string, unknown>> {
    const key = storedKindOfRef(ref);
    const row =
      key === undefined
        ? undefined
        : await this.db
            .selectFrom("records")
            .select("data")
            .where("company_id", "=", this.companyId)
            .where("kind", "=", key.kind)
            .where("id", "=", key.id)
            .where("deleted_at", "is", null)
            .executeTakeFirst();
    if (row === undefined) throw new RecordEditError(ref, "not-found", `record ${ref} not found`);
    return JSON.parse(row.data) as Record<string, unknown>;
  }

  /**
   * Replaces the record's data with `after` if it still is `before` (otherwise `changed-since`), and
   * audits it as `action` by `actor`.
   */
  async replace(
    ref: string,
    before: Record<string, unknown>,
    after: Record<string, unknown>,
    by: { actor: string; at: string; action: string; detail?: Record<string, unknown> },
  ): Promise<RecordEdit> {
    const key = storedKindOfRef(ref);
    if (key === undefined) throw new RecordEditError(ref, "not-found", `record ${ref} not found`);
    const beforeJson = JSON.stringify(before);
    const afterJson = JSON.stringify(after);
    if (canonicalJson(before) === canonicalJson(after)) return { ref, before, after, changed: false };
    return this.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable("records")
        .set({
          data: afterJson,
          ...columnsOf(key.kind as RecordKindName, after as unknown as IncomingRecordOf[RecordKindName]),
          updated_at: by.at,
        })
        .where("company_id", "=", this.companyId)
        .where("kind", "=", key.kind)
        .where("id", "=", key.id)
        .where("deleted_at", "is", null)
        .where("data", "=", beforeJson)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1)
        throw new RecordEditError(ref, "changed-since", `${ref} changed while it was being fixed; try again`);
      await trx
        .insertInto("audit_events")
        .values({
          id: newId(),
          company_id: this.companyId,
          at: by.at,
          actor: by.actor,
          ref,
          action: by.action,
          detail: JSON.stringify({ ...by.detail, before, after }),
        })
        .execute();
      return { ref, before, after, changed: true };
    });
  }

  /**
   * Links an app record (an item, invoice, credit memo or payment) to the QBO object a person chose,
   * one-to-one: the next sync reads it and updates it instead of creating a second one. Customers are
   * linked through the review store, which also keeps the match decision.
   */
  async linkRecord(
    ref: string,
    qboEntity: string,
    qboId: string,
    by: { actor: string; at: string },
  ): Promise<void> {
    const key = storedKindOfRef(ref);
    if (key === undefined) throw new RecordEditError(ref, "not-found", `record ${ref} not found`);
    await this.db.transaction().execute(async (trx) => {
      const record = await trx
        .selectFrom("records")
        .select("id")
        .where("company_id", "=", this.companyId)
        .where("kind", "=", key.kind)
        .where("id", "=", key.id)
        .where("deleted_at", "is", null)
        .executeTakeFirst();
      if (record === undefined) throw new RecordEditError(ref, "not-found", `record ${ref} not found`);
      const qbo = await trx
        .selectFrom("qbo_objects")
        .select("qbo_id")
        .where("company_id", "=", this.companyId)
        .where("entity", "=", qboEntity)
        .where("qbo_id", "=", qboId)
        .where(sql<boolean>`not ${sql.ref("deleted")}`)
        .executeTakeFirst();
      if (qbo === undefined)
        throw new RecordEditError(
          ref,
          "qbo-not-found",
          `QuickBooks ${qboEntity} ${qboId} is not known to Ledgerlink`,
        );
      const taken = await trx
        .selectFrom("links")
        .select(["local_id", "qbo_id"])
        .where("company_id", "=", this.companyId)
        .where("entity", "=", key.kind)
        .where((eb) => eb.or([eb("local_id", "=", key.id), eb("qbo_id", "=", qboId)]))
        .execute();
      if (taken.length > 0) {
        const t = taken[0]!;
        throw new RecordEditError(
          ref,
          "already-linked",
          t.local_id === key.id
            ? `${ref} is already linked to QuickBooks ${qboEntity} ${t.qbo_id}`
            : `QuickBooks ${qboEntity} ${qboId} is already linked to ${refOf(key.kind, t.local_id)}`,
        );
      }
      // Empty fingerprint and sync token: the next sync reads the QBO object and diffs it before writing.
      await trx
        .insertInto("links")
        .values({
          company_id: this.companyId,
          entity: key.kind,
          local_id: key.id,
          qbo_id: qboId,
          sync_token: "",
          fingerprint: "",
          last_synced_at: "",
        })
        .execute();
      await trx
        .insertInto("audit_events")
        .values({
          id: newId(),
          company_id: this.companyId,
          at: by.at,
          actor: by.actor,
          ref,
          action: `${key.kind}.linked`,
          detail: JSON.stringify({ qboEntity, qboId, before: { link: null }, after: { link: { qboId } } }),
        })
        .execute();
    });
  }

  /** An audit entry for a fix that changed something outside the app's records (QBO, the queue). */
  async audit(
    ref: string,
    action: string,
    detail: Record<string, unknown>,
    by: { actor: string; at: string },
  ): Promise<void> {
    await this.db
      .insertInto("audit_events")
      .values({
        id: newId(),
        company_id: this.companyId,
        at: by.at,
        actor: by.actor,
        ref,
        action,
        detail: JSON.stringify(detail),
      })
      .execute();
  }
}
