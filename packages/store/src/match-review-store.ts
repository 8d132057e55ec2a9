import {
  type Customer,
  DISPLAY_NAME_MAX,
  type MatchDecision,
  type MatchDecisionKind,
  type RenameProposal,
  currentMatchDecisions,
  displayNameKey,
  proposeCollisionRenames,
  recordRef,
} from "@ledgerlink/core";
import type { Kysely, Selectable, Transaction } from "kysely";
import { newId } from "./ids.js";
import { writeOutboundEvents, type NewOutboundEvent } from "./outbound-store.js";
import { mergedInLedgerlinkEvent, needsReviewEvent } from "./outbound-sync-events.js";
import { ReviewConflictError, ReviewInputError, ReviewNotFoundError } from "./match-review-store-errors.js";
import { type StoredMergeJournal, applyMerge, revertMerge } from "./match-review-store-merge.js";
import type { Database, MatchDecisionsTable, MatchReviewItemsTable } from "./schema.js";

/** A pair the sync run scored in the review band. */
export interface ReviewSuggestion {
  localId: string;
  qboId: string;
  score: number;
  reasons: string[];
}

export type ReviewItemStatus =
  "open" | "accepted" | "rejected" | "linked-other" | "created-new" | "qbo-inactivated";

export interface ReviewItem {
  id: string;
  /** The local customer's reference, e.g. `C:1042`. */
  ref: string;
  localId: string;
  qboId: string;
  score: number;
  reasons: string[];
  /** The sync run that last suggested it. */
  runId: string;
  openedAt: string;
  status: ReviewItemStatus;
  resolvedAt?: string;
  resolvedBy?: string;
}

export interface SaveSuggestionsResult {
  /** Items opened by this call. */
  opened: number;
  /** Pairs already open: their score and reasons were refreshed, no second item opened. */
  refreshed: number;
  /** Pairs not opened, and why. */
  skipped: {
    localId: string;
    qboId: string;
    reason: "rejected" | "linked" | "create-new" | "qbo-inactivate";
  }[];
}

export interface ReviewPage {
  items: ReviewItem[];
  /** Pass as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
}

/** Who does an action, and when (default: now). */
export interface ActionBy {
  actor: string;
  at?: string;
}

export interface ResolutionResult {
  ref: string;
  decision: MatchDecision;
  /** Review items this action closed. */
  closedItems: string[];
}

export interface CustomerMergeResult {
  mergeId: string;
  survivorId: string;
  mergedId: string;
  /** The rows changed, by reference (`C:1043`, `INV:77`...), in the order they were changed. */
  changed: string[];
  /** QBO customers left without a link (the survivor kept its own): candidates to mark inactive. */
  qboDuplicates: string[];
}

export interface CustomerMerge {
  mergeId: string;
  survivorId: string;
  mergedId: string;
  actor: string;
  mergedAt: string;
  undoneAt?: string;
  undoneBy?: string;
}

type Trx = Transaction<Database>;
const FORBIDDEN_IN_NAME = /[:\t\r\n]/;

const toItem = (r: Selectable<MatchReviewItemsTable>): ReviewItem => ({
  id: r.id,
  ref: recordRef("customer", r.local_id),
  localId: r.local_id,
  qboId: r.qbo_id,
  score: Number(r.score),
  reasons: JSON.parse(r.reasons) as string[],
  runId: r.run_id,
  openedAt: r.opened_at,
  status: r.status as ReviewItemStatus,
  ...(r.resolved_at === null ? {} : { resolvedAt: r.resolved_at }),
  ...(r.resolved_by === null ? {} : { resolvedBy: r.resolved_by }),
});

const toDecision = (r: Selectable<MatchDecisionsTable>): MatchDecision => ({
  localId: r.local_id,
  ...(r.qbo_id === "" ? {} : { qboId: r.qbo_id }),
  decision: r.decision as MatchDecisionKind,
  ...(r.score === null ? {} : { score: Number(r.score) }),
  ...(r.reasons === null ? {} : { reasons: JSON.parse(r.reasons) as string[] }),
  actor: r.actor,
  at: r.at,
});

const qboRef = (qboId: string): string => `QBO-C:${qboId}`;

/**
 * Match review for one company: the decisions people (and sync runs) made about which local customer
 * is which QBO customer, the review items a run opens for pairs it is unsure of, and the actions that
 * resolve them — accept, reject, link to a chosen QBO customer, create new, mark a QBO duplicate
 * inactive, rename a colliding customer, merge two local customers and undo the merge. Each action is
 * one transaction and writes its audit entry (with before and after) in it: it happens whole, audited,
 * or not at all. Refusals are typed errors naming the record (see match-review-store-errors.ts).
 */
export class MatchReviewStore {
  constructor(
    private readonly db: Kysely<Database>,
    readonly companyId: string,
  ) {}

  // ---- what the sync engine reads and writes ------------------------------------------------------

  /** The decisions in force (latest wins, see `currentMatchDecisions`), open review items as "review". */
  async listMatchDecisions(): Promise<MatchDecision[]> {
    const rows = await this.db
      .selectFrom("match_decisions")
      .selectAll()
      .where("company_id", "=", this.companyId)
      .orderBy("at")
      .orderBy("id")
      .execute();
    const open = await this.openItems(this.db).orderBy("id").execute();
    const reviews: MatchDecision[] = open.map((r) => ({
      localId: r.local_id,
      qboId: r.qbo_id,
      decision: "review",
      score: Number(r.score),
      reasons: JSON.parse(r.reasons) as string[],
      actor: `sync:${r.run_id}`,
      at: r.opened_at,
    }));
    return currentMatchDecisions([...rows.map(toDecision), ...reviews]);
  }

  /**
   * Opens a review item for each pair the run scored in the review band. Idempotent: a pair already
   * open is refreshed (score, reasons, run), not opened twice; a pair rejected is never opened again;
   * nor is one whose local or QBO customer is linked, whose local customer is to be created new, or
   * whose QBO customer is to be made inactive.
   */
  async saveReviewSuggestions(
    runId: string,
    suggestions: readonly ReviewSuggestion[],
    at: string,
  ): Promise<SaveSuggestionsResult> {
    suggestions.forEach((s, i) => checkSuggestion(s, i));
    const result: SaveSuggestionsResult = { opened: 0, refreshed: 0, skipped: [] };
    const seen = new Set<string>();
    const unique = suggestions.filter((s) => {
      const k = `${s.localId}\u0000${s.qboId}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    const opened: NewOutboundEvent[] = [];
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < unique.length; i += 500) {
        const chunk = unique.slice(i, i + 500);
        const localIds = [...new Set(chunk.map((s) => s.localId))];
        const qboIds = [...new Set(chunk.map((s) => s.qboId))];
        // Every decision about these local or QBO customers: enough to know each one's current state.
        const history = await trx
          .selectFrom("match_decisions")
          .selectAll()
          .where("company_id", "=", this.companyId)
          .where((eb) => eb.or([eb("local_id", "in", localIds), eb("qbo_id", "in", qboIds)]))
          .orderBy("at")
          .orderBy("id")
          .execute();
        const current = currentMatchDecisions(history.map(toDecision));
        const rejected = new Set(
          current.filter((d) => d.decision === "reject").map((d) => `${d.localId}\u0000${d.qboId}`),
        );
        const createNew = new Set(current.filter((d) => d.decision === "new").map((d) => d.localId));
        const inactivate = new Set(
          current.filter((d) => d.decision === "qbo-inactivate").map((d) => d.qboId!),
        );
        const links = await trx
          .selectFrom("links")
          .select(["local_id", "qbo_id"])
          .where("company_id", "=", this.companyId)
          .where("entity", "=", "customer")
          .where((eb) => eb.or([eb("local_id", "in", localIds), eb("qbo_id", "in", qboIds)]))
          .execute();
        const linkedLocal = new Set(links.map((l) => l.local_id));
        const linkedQbo = new Set(links.map((l) => l.qbo_id));
        const open = await trx
          .selectFrom("match_review_items")
          .select(["id", "local_id", "qbo_id"])
          .where("company_id", "=", this.companyId)
          .where("status", "=", "open")
          .where("local_id", "in", localIds)
          .execute();
        const openByPair = new Map(open.map((o) => [`${o.local_id}\u0000${o.qbo_id}`, o.id]));
        for (const s of chunk) {
          const pair = `${s.localId}\u0000${s.qboId}`;
          const skip = rejected.has(pair)
            ? "rejected"
            : linkedLocal.has(s.localId) || linkedQbo.has(s.qboId)
              ? "linked"
              : createNew.has(s.localId)
                ? "create-new"
                : inactivate.has(s.qboId)
                  ? "qbo-inactivate"
                  : undefined;
          if (skip !== undefined) {
            result.skipped.push({ localId: s.localId, qboId: s.qboId, reason: skip });
            continue;
          }
          const existing = openByPair.get(pair);
          if (existing !== undefined) {
            await trx
              .updateTable("match_review_items")
              .set({ score: s.score, reasons: JSON.stringify(s.reasons), run_id: runId })
              .where("company_id", "=", this.companyId)
              .where("id", "=", existing)
              .execute();
            result.refreshed++;
            continue;
          }
          // The partial unique index keeps one open item per pair even against a concurrent run.
          const inserted = await trx
            .insertInto("match_review_items")
            .values({
              id: newId(),
              company_id: this.companyId,
              local_id: s.localId,
              qbo_id: s.qboId,
              score: s.score,
              reasons: JSON.stringify(s.reasons),
              run_id: runId,
              opened_at: at,
              status: "open",
              resolved_at: null,
              resolved_by: null,
            })
            .onConflict((oc) => oc.doNothing())
            .executeTakeFirst();
          if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) {
            result.opened++;
            opened.push(needsReviewEvent(runId, s));
          } else result.refreshed++;
        }
      }
      // A newly opened review item is news for the business app (outbound event), a refreshed one not.
      await writeOutboundEvents(trx, this.companyId, opened, at);
    });
    return result;
  }

  /**
   * Open review items, oldest first, a page at a time. Items whose local or QBO customer has been
   * linked since, or whose local customer no longer exists, are left out: there is nothing to decide.
   */
  async listOpenReviewItems(opts: { limit?: number; cursor?: string } = {}): Promise<ReviewPage> {
    const limit = opts.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw new ReviewInputError("", "limit", `limit must be a whole number from 1 to 1000 (got ${limit})`);
    let q = this.openItems(this.db)
      .orderBy("id")
      .limit(limit + 1);
    if (opts.cursor !== undefined) q = q.where("id", ">", opts.cursor);
    const rows = await q.execute();
    const items = rows.slice(0, limit).map(toItem);
    return rows.length > limit ? { items, nextCursor: items[items.length - 1]!.id } : { items };
  }

  /** One review item, whatever its status. */
  async getReviewItem(itemId: string): Promise<ReviewItem> {
    return toItem(await this.itemRow(this.db, itemId));
  }

  // ---- resolution actions ------------------------------------------------------------------------

  /** Accepts a suggested pair: links them (fingerprint "" so the next sync re-reads and diffs). */
  async acceptSuggestion(itemId: string, by: ActionBy): Promise<ResolutionResult> {
    const at = by.at ?? new Date().toISOString();
    return this.db.transaction().execute(async (trx) => {
      const item = await this.openItemOrThrow(trx, itemId);
      return this.link(trx, item.local_id, item.qbo_id, by.actor, at, "match.suggestion.accepted", item);
    });
  }

  /** Links a local customer to the QBO customer a person chose (one-to-one, both ways). */
  async linkToQbo(input: { localId: string; qboId: string } & ActionBy): Promise<ResolutionResult> {
    const at = input.at ?? new Date().toISOString();
    checkId(input.localId, "localId", recordRef("customer", input.localId));
    checkId(input.qboId, "qboId", recordRef("customer", input.localId));
    return this.db.transaction().execute(async (trx) => {
      const item = await trx
        .selectFrom("match_review_items")
        .selectAll()
        .where("company_id", "=", this.companyId)
        .where("status", "=", "open")
        .where("local_id", "=", input.localId)
        .where("qbo_id", "=", input.qboId)
        .executeTakeFirst();
      return this.link(trx, input.localId, input.qboId, input.actor, at, "match.link.chosen", item);
    });
  }

  /** Rejects a suggested pair: they are different customers, never suggested again. */
  async rejectSuggestion(itemId: string, by: ActionBy): Promise<ResolutionResult> {
    const at = by.at ?? new Date().toISOString();
    return this.db.transaction().execute(async (trx) => {
      const item = await this.openItemOrThrow(trx, itemId);
      return this.reject(trx, item.local_id, item.qbo_id, by.actor, at, item);
    });
  }

  /** Rejects a pair whether or not it was suggested, so it never is. */
  async rejectPair(input: { localId: string; qboId: string } & ActionBy): Promise<ResolutionResult> {
    const at = input.at ?? new Date().toISOString();
    checkId(input.localId, "localId", recordRef("customer", input.localId));
    checkId(input.qboId, "qboId", recordRef("customer", input.localId));
    return this.db
      .transaction()
      .execute((trx) => this.reject(trx, input.localId, input.qboId, input.actor, at, undefined));
  }

  /** Creates the local customer in QBO as a new customer, even if a match exists. */
  async createNew(input: { localId: string } & ActionBy): Promise<ResolutionResult> {
    const at = input.at ?? new Date().toISOString();
    const ref = recordRef("customer", input.localId);
    checkId(input.localId, "localId", ref);
    return this.db.transaction().execute(async (trx) => {
      await this.customerOrThrow(trx, input.localId, "localId");
      const link = await this.linkOfLocal(trx, input.localId);
      if (link !== undefined)
        throw new ReviewConflictError(
          ref,
          "local-already-linked",
          `${ref} is already linked to QBO customer ${link.qbo_id}; it cannot also be created new`,
        );
      const closed = await this.closeItems(trx, { localId: input.localId }, "created-new", input.actor, at);
      const decision = await this.decide(trx, {
        localId: input.localId,
        decision: "new",
        actor: input.actor,
        at,
      });
      await this.writeAudit(trx, ref, "match.create-new", input.actor, at, {
        before: { openReviews: closed },
        after: { decision: "new" },
      });
      return { ref, decision, closedItems: closed.map((c) => c.id) };
    });
  }

  /**
   * Marks a QBO customer, a duplicate, to be made inactive by the next sync. `duplicateOf` names the
   * local customer it duplicates (for the audit and the console). Refused while it is linked.
   */
  async markQboInactive(
    input: { qboId: string; duplicateOf?: string } & ActionBy,
  ): Promise<ResolutionResult> {
    const at = input.at ?? new Date().toISOString();
    const ref =
      input.duplicateOf === undefined ? qboRef(input.qboId) : recordRef("customer", input.duplicateOf);
    checkId(input.qboId, "qboId", qboRef(input.qboId));
    return this.db.transaction().execute(async (trx) => {
      if (input.duplicateOf !== undefined) await this.customerOrThrow(trx, input.duplicateOf, "duplicateOf");
      const link = await this.linkOfQbo(trx, input.qboId);
      if (link !== undefined)
        throw new ReviewConflictError(
          qboRef(input.qboId),
          "qbo-already-linked",
          `QBO customer ${input.qboId} is linked to ${recordRef("customer", link.local_id)}; unlink or merge it before making it inactive`,
        );
      const closed = await this.closeItems(trx, { qboId: input.qboId }, "qbo-inactivated", input.actor, at);
      const decision = await this.decide(trx, {
        localId: "",
        qboId: input.qboId,
        decision: "qbo-inactivate",
        actor: input.actor,
        at,
      });
      await this.writeAudit(trx, ref, "match.qbo-inactivate", input.actor, at, {
        qboId: input.qboId,
        ...(input.duplicateOf === undefined ? {} : { duplicateOf: input.duplicateOf }),
        before: { active: true, openReviews: closed },
        after: { active: false },
      });
      return { ref, decision, closedItems: closed.map((c) => c.id) };
    });
  }

  /**
   * The renames people use when a *different* customer's name collides (middle initial, street address,
   * a number), unique against every local customer's name and `qboNames` (QBO's customer, vendor and
   * employee DisplayNames). A preview: nothing changes.
   */
  async previewCollisionRenames(input: {
    localId: string;
    qboNames: Iterable<string>;
  }): Promise<RenameProposal[]> {
    const customer = await this.customerOrThrow(this.db, input.localId, "localId");
    const taken = [...(await this.localNames(this.db, input.localId)), ...input.qboNames];
    const street = customer.billingAddress?.line1 ?? customer.shippingAddress?.line1;
    return proposeCollisionRenames(
      {
        name: customer.displayName,
        ...(customer.givenName === undefined ? {} : { givenName: customer.givenName }),
        ...(customer.middleName === undefined ? {} : { middleName: customer.middleName }),
        ...(customer.familyName === undefined ? {} : { familyName: customer.familyName }),
        ...(street === undefined ? {} : { street }),
      },
      taken,
    );
  }

  /**
   * Renames a local customer (its display name in the app's record as stored here), after checking the
   * name against QBO's rules and every other name (`qboNames` as for the preview). Audited with the
   * record before and after.
   */
  async applyCollisionRename(
    input: { localId: string; name: string; qboNames: Iterable<string> } & ActionBy,
  ): Promise<{ ref: string; before: string; after: string }> {
    const at = input.at ?? new Date().toISOString();
    const ref = recordRef("customer", input.localId);
    const name = typeof input.name === "string" ? input.name.replace(/\s+/g, " ").trim() : "";
    if (name === "") throw new ReviewInputError(ref, "name", `the new name for ${ref} is empty (field name)`);
    if (name.length > DISPLAY_NAME_MAX)
      throw new ReviewInputError(
        ref,
        "name",
        `the new name for ${ref} is longer than ${DISPLAY_NAME_MAX} characters (field name)`,
      );
    if (FORBIDDEN_IN_NAME.test(name))
      throw new ReviewInputError(
        ref,
        "name",
        `the new name for ${ref} contains ':' or a tab or line break, which QBO refuses (field name)`,
      );
    const qboNames = [...input.qboNames];
    return this.db.transaction().execute(async (trx) => {
      const row = await this.customerRowOrThrow(trx, input.localId, "localId");
      const customer = JSON.parse(row.data) as Customer;
      const key = displayNameKey(name);
      if (key === displayNameKey(customer.displayName))
        throw new ReviewInputError(
          ref,
          "name",
          `${ref} is already called "${customer.displayName}" (field name)`,
        );
      const local = await trx
        .selectFrom("records")
        .select(["id", "name"])
        .where("company_id", "=", this.companyId)
        .where("kind", "=", "customer")
        .where("deleted_at", "is", null)
        .where("id", "!=", input.localId)
        .execute();
      const clash = local.find((r) => r.name !== null && displayNameKey(r.name) === key);
      if (clash !== undefined)
        throw new ReviewConflictError(
          ref,
          "name-taken",
          `"${name}" is already the name of ${recordRef("customer", clash.id)}`,
        );
      if (qboNames.some((n) => displayNameKey(n) === key))
        throw new ReviewConflictError(
          ref,
          "name-taken",
          `"${name}" is already a name in QBO (customer, vendor or employee)`,
        );
      const after: Customer = { ...customer, displayName: name };
      const updated = await trx
        .updateTable("records")
        .set({ data: JSON.stringify(after), name, updated_at: at })
        .where("company_id", "=", this.companyId)
        .where("kind", "=", "customer")
        .where("id", "=", input.localId)
        .where("data", "=", row.data)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1)
        throw new ReviewConflictError(
          ref,
          "changed-since",
          `${ref} changed while it was being renamed; try again`,
        );
      await this.writeAudit(trx, ref, "customer.renamed", input.actor, at, {
        before: { displayName: customer.displayName, record: customer },
        after: { displayName: name, record: after },
      });
      return { ref, before: customer.displayName, after: name };
    });
  }

  /**
   * Merges local customer `mergedId` into `survivorId` with core's `planMerge`: the survivor fills its
   * empty fields from the merged one; its sub-customers, invoices, credit memos and payments move to the
   * survivor (their JSON and `parent_id`); its link moves to the survivor, or is dropped if the survivor
   * has one (that QBO customer is returned as a duplicate); the merged customer's row is removed. One
   * transaction; the exact rows before and after are kept so `undoMerge` restores them.
   */
  async mergeCustomers(
    input: { survivorId: string; mergedId: string } & ActionBy,
  ): Promise<CustomerMergeResult> {
    const at = input.at ?? new Date().toISOString();
    checkId(input.survivorId, "survivorId", recordRef("customer", input.survivorId));
    checkId(input.mergedId, "mergedId", recordRef("customer", input.mergedId));
    return this.db.transaction().execute(async (trx) => {
      const { plan, changes } = await applyMerge(trx, this.companyId, input.survivorId, input.mergedId, at);
      const mergeId = newId();
      const journal: StoredMergeJournal = { plan, changes };
      await trx
        .insertInto("customer_merges")
        .values({
          id: mergeId,
          company_id: this.companyId,
          survivor_id: input.survivorId,
          merged_id: input.mergedId,
          journal: JSON.stringify(journal),
          actor: input.actor,
          merged_at: at,
          undone_at: null,
          undone_by: null,
        })
        .execute();
      const ref = recordRef("customer", input.survivorId);
      await writeOutboundEvents(trx, this.companyId, [mergedInLedgerlinkEvent(input)], at);
      await this.writeAudit(trx, ref, "customer.merged", input.actor, at, {
        mergeId,
        mergedId: input.mergedId,
        changed: changes.map((c) => c.ref),
        qboDuplicates: plan.qboDuplicates,
        before: plan.entries.map((e) => ({ collection: e.collection, key: e.key, value: e.before })),
        after: plan.entries.map((e) => ({ collection: e.collection, key: e.key, value: e.after })),
      });
      return {
        mergeId,
        survivorId: input.survivorId,
        mergedId: input.mergedId,
        changed: changes.map((c) => c.ref),
        qboDuplicates: plan.qboDuplicates,
      };
    });
  }

  /**
   * Undoes a merge: every record, link and reference back exactly as it was. Refused when the merge was
   * already undone, or when a row it touched changed since (nothing is then written).
   */
  async undoMerge(
    mergeId: string,
    actor: string,
    at: string = new Date().toISOString(),
  ): Promise<{ mergeId: string; restored: string[] }> {
    return this.db.transaction().execute(async (trx) => {
      // Claims the undo first: a second, concurrent undo finds it taken.
      const claimed = await trx
        .updateTable("customer_merges")
        .set({ undone_at: at, undone_by: actor })
        .where("company_id", "=", this.companyId)
        .where("id", "=", mergeId)
        .where("undone_at", "is", null)
        .executeTakeFirst();
      const row = await trx
        .selectFrom("customer_merges")
        .selectAll()
        .where("company_id", "=", this.companyId)
        .where("id", "=", mergeId)
        .executeTakeFirst();
      if (row === undefined)
        throw new ReviewNotFoundError(
          `MERGE:${mergeId}`,
          "mergeId",
          `merge ${mergeId} not found (field mergeId)`,
        );
      const ref = recordRef("customer", row.survivor_id);
      if (Number(claimed.numUpdatedRows) !== 1)
        throw new ReviewConflictError(
          ref,
          "merge-undone",
          `merge ${mergeId} of ${recordRef("customer", row.merged_id)} into ${ref} was already undone by ${row.undone_by ?? "?"} at ${row.undone_at ?? "?"}`,
        );
      const journal = JSON.parse(row.journal) as StoredMergeJournal;
      await revertMerge(trx, this.companyId, journal);
      const restored = journal.changes.map((c) => c.ref).reverse();
      await this.writeAudit(trx, ref, "customer.merge-undone", actor, at, {
        mergeId,
        mergedId: row.merged_id,
        restored,
        before: journal.plan.entries.map((e) => ({ collection: e.collection, key: e.key, value: e.after })),
        after: journal.plan.entries.map((e) => ({ collection: e.collection, key: e.key, value: e.before })),
      });
      return { mergeId, restored };
    });
  }

  /** Merges, newest first (undone ones too). */
  async listMerges(limit = 100): Promise<CustomerMerge[]> {
    const rows = await this.db
      .selectFrom("customer_merges")
      .select(["id", "survivor_id", "merged_id", "actor", "merged_at", "undone_at", "undone_by"])
      .where("company_id", "=", this.companyId)
      .orderBy("merged_at", "desc")
      .orderBy("id", "desc")
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      mergeId: r.id,
      survivorId: r.survivor_id,
      mergedId: r.merged_id,
      actor: r.actor,
      mergedAt: r.merged_at,
      ...(r.undone_at === null ? {} : { undoneAt: r.undone_at }),
      ...(r.undone_by === null ? {} : { undoneBy: r.undone_by }),
    }));
  }

  // ---- internals ---------------------------------------------------------------------------------

  /** Open items with something left to decide: local customer live, neither side linked. */
  private openItems(db: Kysely<Database> | Trx) {
    return db
      .selectFrom("match_review_items as i")
      .selectAll("i")
      .where("i.company_id", "=", this.companyId)
      .where("i.status", "=", "open")
      .where(({ exists, not, selectFrom }) =>
        exists(
          selectFrom("records as r")
            .select("r.id")
            .whereRef("r.company_id", "=", "i.company_id")
            .where("r.kind", "=", "customer")
            .whereRef("r.id", "=", "i.local_id")
            .where("r.deleted_at", "is", null),
        ).and(
          not(
            exists(
              selectFrom("links as l")
                .select("l.local_id")
                .whereRef("l.company_id", "=", "i.company_id")
                .where("l.entity", "=", "customer")
                .where((eb) =>
                  eb.or([
                    eb("l.local_id", "=", eb.ref("i.local_id")),
                    eb("l.qbo_id", "=", eb.ref("i.qbo_id")),
                  ]),
                ),
            ),
          ),
        ),
      );
  }

  private async itemRow(
    db: Kysely<Database> | Trx,
    itemId: string,
  ): Promise<Selectable<MatchReviewItemsTable>> {
    const row = await db
      .selectFrom("match_review_items")
      .selectAll()
      .where("company_id", "=", this.companyId)
      .where("id", "=", itemId)
      .executeTakeFirst();
    if (row === undefined)
      throw new ReviewNotFoundError(
        `REVIEW:${itemId}`,
        "itemId",
        `review item ${itemId} not found (field itemId)`,
      );
    return row;
  }

  private async openItemOrThrow(trx: Trx, itemId: string): Promise<Selectable<MatchReviewItemsTable>> {
    const row = await this.itemRow(trx, itemId);
    if (row.status !== "open") {
      const ref = recordRef("customer", row.local_id);
      throw new ReviewConflictError(
        ref,
        "item-resolved",
        `review item ${itemId} (${ref} ↔ QBO customer ${row.qbo_id}) was already resolved (${row.status}) by ${row.resolved_by ?? "?"} at ${row.resolved_at ?? "?"}`,
      );
    }
    return row;
  }

  private async customerRowOrThrow(db: Kysely<Database> | Trx, localId: string, field: string) {
    const row = await db
      .selectFrom("records")
      .select(["data"])
      .where("company_id", "=", this.companyId)
      .where("kind", "=", "customer")
      .where("id", "=", localId)
      .where("deleted_at", "is", null)
      .executeTakeFirst();
    const ref = recordRef("customer", localId);
    if (row === undefined)
      throw new ReviewNotFoundError(ref, field, `customer ${ref} not found (field ${field})`);
    return row;
  }

  private async customerOrThrow(
    db: Kysely<Database> | Trx,
    localId: string,
    field: string,
  ): Promise<Customer> {
    return JSON.parse((await this.customerRowOrThrow(db, localId, field)).data) as Customer;
  }

  private async localNames(db: Kysely<Database> | Trx, exceptId: string): Promise<string[]> {
    const rows = await db
      .selectFrom("records")
      .select("name")
      .where("company_id", "=", this.companyId)
      .where("kind", "=", "customer")
      .where("deleted_at", "is", null)
      .where("id", "!=", exceptId)
      .execute();
    return rows.flatMap((r) => (r.name === null ? [] : [r.name]));
  }

  private linkOfLocal(trx: Trx, localId: string) {
    return trx
      .selectFrom("links")
      .select(["local_id", "qbo_id"])
      .where("company_id", "=", this.companyId)
      .where("entity", "=", "customer")
      .where("local_id", "=", localId)
      .executeTakeFirst();
  }

  private linkOfQbo(trx: Trx, qboId: string) {
    return trx
      .selectFrom("links")
      .select(["local_id", "qbo_id"])
      .where("company_id", "=", this.companyId)
      .where("entity", "=", "customer")
      .where("qbo_id", "=", qboId)
      .executeTakeFirst();
  }

  private async link(
    trx: Trx,
    localId: string,
    qboId: string,
    actor: string,
    at: string,
    action: string,
    item: Selectable<MatchReviewItemsTable> | undefined,
  ): Promise<ResolutionResult> {
    const ref = recordRef("customer", localId);
    await this.customerOrThrow(trx, localId, "localId");
    const mine = await this.linkOfLocal(trx, localId);
    if (mine !== undefined)
      throw new ReviewConflictError(
        ref,
        "local-already-linked",
        mine.qbo_id === qboId
          ? `${ref} is already linked to QBO customer ${qboId}`
          : `${ref} is already linked to QBO customer ${mine.qbo_id}, not ${qboId}`,
      );
    const theirs = await this.linkOfQbo(trx, qboId);
    if (theirs !== undefined)
      throw new ReviewConflictError(
        ref,
        "qbo-already-linked",
        `QBO customer ${qboId} is already linked to ${recordRef("customer", theirs.local_id)}; one QBO customer links to one local customer`,
      );
    // Empty fingerprint and sync token: the next sync reads the QBO customer and diffs it before writing.
    const inserted = await trx
      .insertInto("links")
      .values({
        company_id: this.companyId,
        entity: "customer",
        local_id: localId,
        qbo_id: qboId,
        sync_token: "",
        fingerprint: "",
        last_synced_at: "",
      })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1)
      throw new ReviewConflictError(
        ref,
        "qbo-already-linked",
        `${ref} or QBO customer ${qboId} was linked meanwhile`,
      );
    const closedSame = await this.closeItems(trx, { localId, qboId }, "accepted", actor, at);
    const closedOther = await this.closeItems(trx, { localId }, "linked-other", actor, at);
    const closedQbo = await this.closeItems(trx, { qboId }, "linked-other", actor, at);
    const closed = [...closedSame, ...closedOther, ...closedQbo];
    const decision = await this.decide(trx, {
      localId,
      qboId,
      decision: "link",
      ...(item === undefined
        ? {}
        : { score: Number(item.score), reasons: JSON.parse(item.reasons) as string[] }),
      actor,
      at,
      ...(item === undefined ? {} : { reviewItemId: item.id }),
    });
    await this.writeAudit(trx, ref, action, actor, at, {
      qboId,
      ...(item === undefined ? {} : { reviewItemId: item.id, score: Number(item.score) }),
      before: { link: null, openReviews: closed },
      after: { link: { qboId, syncToken: "", fingerprint: "" } },
    });
    return { ref, decision, closedItems: closed.map((c) => c.id) };
  }

  private async reject(
    trx: Trx,
    localId: string,
    qboId: string,
    actor: string,
    at: string,
    item: Selectable<MatchReviewItemsTable> | undefined,
  ): Promise<ResolutionResult> {
    const ref = recordRef("customer", localId);
    await this.customerOrThrow(trx, localId, "localId");
    const mine = await this.linkOfLocal(trx, localId);
    if (mine?.qbo_id === qboId)
      throw new ReviewConflictError(
        ref,
        "pair-linked",
        `${ref} is linked to QBO customer ${qboId}; unlink it before rejecting the pair`,
      );
    const closed = await this.closeItems(trx, { localId, qboId }, "rejected", actor, at);
    const decision = await this.decide(trx, {
      localId,
      qboId,
      decision: "reject",
      ...(item === undefined
        ? {}
        : { score: Number(item.score), reasons: JSON.parse(item.reasons) as string[] }),
      actor,
      at,
      ...(item === undefined ? {} : { reviewItemId: item.id }),
    });
    await this.writeAudit(
      trx,
      ref,
      item === undefined ? "match.pair.rejected" : "match.suggestion.rejected",
      actor,
      at,
      {
        qboId,
        ...(item === undefined ? {} : { reviewItemId: item.id, score: Number(item.score) }),
        before: { openReviews: closed },
        after: { decision: "reject" },
      },
    );
    return { ref, decision, closedItems: closed.map((c) => c.id) };
  }

  /** Closes the open items of a pair, a local customer or a QBO customer; returns them as they were. */
  private async closeItems(
    trx: Trx,
    which: { localId?: string; qboId?: string },
    status: ReviewItemStatus,
    actor: string,
    at: string,
  ): Promise<{ id: string; localId: string; qboId: string; score: number }[]> {
    let q = trx
      .selectFrom("match_review_items")
      .select(["id", "local_id", "qbo_id", "score"])
      .where("company_id", "=", this.companyId)
      .where("status", "=", "open");
    if (which.localId !== undefined) q = q.where("local_id", "=", which.localId);
    if (which.qboId !== undefined) q = q.where("qbo_id", "=", which.qboId);
    const rows = await q.orderBy("id").execute();
    if (rows.length === 0) return [];
    await trx
      .updateTable("match_review_items")
      .set({ status, resolved_at: at, resolved_by: actor })
      .where("company_id", "=", this.companyId)
      .where(
        "id",
        "in",
        rows.map((r) => r.id),
      )
      .execute();
    return rows.map((r) => ({ id: r.id, localId: r.local_id, qboId: r.qbo_id, score: Number(r.score) }));
  }

  private async decide(trx: Trx, d: MatchDecision & { reviewItemId?: string }): Promise<MatchDecision> {
    await trx
      .insertInto("match_decisions")
      .values({
        id: newId(),
        company_id: this.companyId,
        local_id: d.localId,
        qbo_id: d.qboId ?? "",
        decision: d.decision,
        score: d.score ?? null,
        reasons: d.reasons === undefined ? null : JSON.stringify(d.reasons),
        actor: d.actor,
        at: d.at,
        review_item_id: d.reviewItemId ?? null,
      })
      .execute();
    const { reviewItemId: _omit, ...decision } = d;
    return decision;
  }

  private async writeAudit(
    trx: Trx,
    ref: string,
    action: string,
    actor: string,
    at: string,
    detail: Record<string, unknown>,
  ): Promise<void> {
    await trx
      .insertInto("audit_events")
      .values({
        id: newId(),
        company_id: this.companyId,
        at,
        actor,
        ref,
        action,
        detail: JSON.stringify(detail),
      })
      .execute();
  }
}

function checkId(value: unknown, field: string, ref: string): void {
  if (typeof value !== "string" || value.trim() === "")
    throw new ReviewInputError(ref, field, `${field} must be a non-empty id (field ${field})`);
}

function checkSuggestion(s: ReviewSuggestion, index: number): void {
  const ref = typeof s?.localId === "string" ? recordRef("customer", s.localId) : `suggestion #${index + 1}`;
  const where = `suggestion #${index + 1} (${ref})`;
  if (typeof s?.localId !== "string" || s.localId === "")
    throw new ReviewInputError(ref, "localId", `${where}: localId must be a non-empty id (field localId)`);
  if (typeof s.qboId !== "string" || s.qboId === "")
    throw new ReviewInputError(ref, "qboId", `${where}: qboId must be a non-empty id (field qboId)`);
  if (typeof s.score !== "number" || !(s.score >= 0 && s.score <= 1))
    throw new ReviewInputError(ref, "score", `${where}: score must be a number from 0 to 1 (field score)`);
  if (!Array.isArray(s.reasons) || s.reasons.some((r) => typeof r !== "string"))
    throw new ReviewInputError(ref, "reasons", `${where}: reasons must be a list of strings (field reasons)`);
}
