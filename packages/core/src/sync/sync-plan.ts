import type { Customer } from "../customer.js";
import { parentsFirst } from "../customer.js";
import { canonicalJson, fingerprint } from "../fingerprint.js";
import { matchCustomers, type MatchProposal } from "../match/match-customers.js";
import { matchRecordFromCustomer, type MatchRecord } from "../match/match-record.js";
import type { MatchPolicy } from "../match/match-policy.js";
import { recordRef, type RecordRef } from "../record-ref.js";
import type { ItemRecord } from "../records/item-record.js";
import type { PaymentRecord } from "../records/payment-record.js";
import type { RecordLinks, RecordSet } from "../records/record-set.js";
import type { CreditMemoRecord, InvoiceRecord } from "../records/sales-document-record.js";
import type { Repair } from "../repair/apply-repairs.js";
import { validateAndRepair } from "../repair/validate-and-repair.js";
import type { Finding } from "../validate/finding.js";
import { defaultValidationPolicy, type ValidationPolicy } from "../validate/policy.js";
import type { QboSnapshot } from "../validate/qbo-snapshot.js";
import { localRefsIn, resolveLocalRefs } from "./local-ref.js";
import { threeWay } from "./three-way.js";
import {
  QboLookups,
  updatablePayload,
  creditMemoPayload,
  customerPayload,
  invoicePayload,
  itemPayload,
  paymentPayload,
  type QboPayload,
} from "./record-to-qbo.js";

/** The kinds of the app's records the engine writes to QBO, in the order they depend on each other. */
export const syncKinds = ["item", "customer", "invoice", "creditMemo", "payment"] as const;
export type SyncKind = (typeof syncKinds)[number];

/** The QBO entity each step writes (accounts only ever get reactivated). */
export type SyncEntity = "Item" | "Customer" | "Invoice" | "CreditMemo" | "Payment" | "Account";

export const entityOfKind: Record<SyncKind, SyncEntity> = {
  item: "Item",
  customer: "Customer",
  invoice: "Invoice",
  creditMemo: "CreditMemo",
  payment: "Payment",
};

/** A local record's QBO twin, for every kind. */
export interface RecordLink {
  ref: RecordRef;
  qboId: string;
  syncToken: string;
  /** Fingerprint of the payload last written to QBO; "" when a person linked it and nothing was sent. */
  fingerprint: string;
  lastSyncedAt: string;
}

export type StepAction =
  "create" | "link" | "update" | "reactivate" | "inactivate" | "delete" | "skip" | "held" | "blocked";

/** The actions that send something to QBO (or save a link). */
export const writingActions: ReadonlySet<StepAction> = new Set([
  "create",
  "link",
  "update",
  "reactivate",
  "inactivate",
  "delete",
]);

/** A field the step changes in QBO: what QBO has now (when known) and what will be sent. */
export interface FieldChange {
  field: string;
  before?: unknown;
  after?: unknown;
}

export interface PlanStep {
  /** Position in the plan: the order steps are considered in. */
  seq: number;
  ref: RecordRef;
  kind: SyncKind | "account";
  localId: string;
  entity: SyncEntity;
  action: StepAction;
  /** Why, in words office staff understand. */
  reason: string;
  /** What people call the record (display name, item name, document number). */
  name?: string;
  /** The body to send (placeholders for records not yet in QBO); updates add Id and SyncToken. */
  payload?: QboPayload;
  fingerprint?: string;
  /** The QBO record written to (link, update, reactivate, inactivate, delete). */
  qboId?: string;
  syncToken?: string;
  /** Records that must be in QBO (and done in this run) before this step can be sent. */
  needs: RecordRef[];
  changes?: FieldChange[];
  /** The problems that block it (blocked) or that a person is to look at (held). */
  findings?: Finding[];
  /** For a link found by matching: how sure, and why. */
  match?: { score: number; reasons: string[] };
}

/** A decision a person made about a customer (or a QBO duplicate), persisted by the store. */
export interface CustomerDecision {
  localId: string;
  qboId?: string;
  decision: "link" | "reject" | "new" | "review" | "qbo-inactivate";
}

/** A record kept out of the Ready-To-Sync queue by staff. */
export interface QueueHold {
  ref: RecordRef;
  state: "held" | "removed";
  reason?: string;
  by?: string;
}

export interface SyncPlanInput {
  records: {
    customers: readonly Customer[];
    items: readonly ItemRecord[];
    invoices: readonly InvoiceRecord[];
    creditMemos: readonly CreditMemoRecord[];
    payments: readonly PaymentRecord[];
  };
  /** Records the app deleted that are linked to QBO: inactivated (lists) or deleted (transactions). */
  deleted?: readonly { kind: SyncKind; id: string }[];
  links: ReadonlyMap<RecordRef, RecordLink>;
  snapshot: QboSnapshot;
  /** QBO's customers as the matcher sees them (from the mirror, with email, phone and address). */
  qboCustomers?: readonly MatchRecord[];
  /**
   * What was last sent for records QBO changed since (their mirror SyncToken differs from the link's):
   * the base of the three-way check that keeps QBO's edits and finds conflicts.
   */
  lastSent?: ReadonlyMap<RecordRef, QboPayload>;
  /** QBO's current objects by `Entity:Id`, to show field changes and detect conflicts. */
  qboObjects?: ReadonlyMap<string, Record<string, unknown>>;
  decisions?: readonly CustomerDecision[];
  holds?: readonly QueueHold[];
  validationPolicy?: ValidationPolicy;
  matchPolicy?: MatchPolicy;
  /** Sync only these records (and what they need that is not in QBO yet). */
  only?: readonly RecordRef[];
  /** Told how far matching of the app's customers against QBO's has got (see MatchOptions). */
  onMatchProgress?: (done: number, total: number) => void;
}

export interface SyncPlan {
  steps: PlanStep[];
  /** Auto-repairs applied to the records before planning; each goes to the audit log when run. */
  repairs: Repair[];
  findings: Finding[];
  /** Pairs waiting for a person (review band), for the review queue. */
  reviews: { localId: string; qboId: string; score: number; reasons: string[] }[];
  counts: Record<StepAction, number>;
}

const kindOfPrefix: Record<string, SyncKind | "account"> = {
  C: "customer",
  ITEM: "item",
  INV: "invoice",
  CM: "creditMemo",
  PMT: "payment",
  ACCT: "account",
};

export const refKind = (ref: RecordRef): SyncKind | "account" =>
  kindOfPrefix[ref.slice(0, ref.indexOf(":"))] ?? "customer";

/** The QBO entity a reference's record is written as (`INV:77` → Invoice). */
export const entityOfRef = (ref: RecordRef): SyncEntity => {
  const kind = refKind(ref);
  return kind === "account" ? "Account" : entityOfKind[kind];
};

const refId = (ref: RecordRef): string => ref.slice(ref.indexOf(":") + 1);

/** Top-level fields of `payload` whose value differs from QBO's object (all of them when unknown). */
export function fieldChanges(
  payload: QboPayload,
  qboObject: Record<string, unknown> | undefined,
  qboIdOf: (ref: RecordRef) => string | undefined,
): FieldChange[] {
  let resolved: QboPayload;
  try {
    resolved = resolveLocalRefs(payload, qboIdOf);
  } catch {
    resolved = payload;
  }
  const out: FieldChange[] = [];
  for (const [field, after] of Object.entries(resolved)) {
    const before = qboObject?.[field];
    if (qboObject !== undefined && sameValue(before, after)) continue;
    const change: FieldChange = { field, after };
    if (before !== undefined) change.before = before;
    out.push(change);
  }
  return out;
}

/** Equal as QBO means it: QBO echoes objects with extra keys (Id on a ref, name), so compare ours only. */
function sameValue(theirs: unknown, ours: unknown): boolean {
  if (ours === null || typeof ours !== "object") {
    if (typeof ours === "number" && typeof theirs === "number") return Math.abs(ours - theirs) < 1e-9;
    return canonicalJson(theirs) === canonicalJson(ours);
  }
  if (theirs === null || typeof theirs !== "object") return false;
  if (Array.isArray(ours)) {
    if (!Array.isArray(theirs)) return false;
    const lines = (theirs as unknown[]).filter(
      (l) =>
        !(l && typeof l === "object" && (l as { DetailType?: unknown }).DetailType === "SubTotalLineDetail"),
    );
    return lines.length === ours.length && ours.every((v, i) => sameValue(lines[i], v));
  }
  return Object.entries(ours).every(([k, v]) => sameValue((theirs as Record<string, unknown>)[k], v));
}

/**
 * Pure: what one sync will do, record by record, in an order QBO can accept (items, parents before
 * children, customers before documents, invoices before payments), each with its reason. The dry run
 * shows exactly this and the run executes exactly this.
 */
export function planSync(input: SyncPlanInput): SyncPlan {
  const policy = input.validationPolicy ?? defaultValidationPolicy;
  const lookups = new QboLookups(input.snapshot);
  const links = new Map(input.links);
  const decisions = input.decisions ?? [];
  const holds = new Map((input.holds ?? []).map((h) => [h.ref, h]));
  const qboObjects = input.qboObjects ?? new Map<string, Record<string, unknown>>();

  // --- Matching: unlinked customers against QBO's, one to one; people's decisions come first.
  const auto = new Map<string, MatchProposal>();
  const reviews: SyncPlan["reviews"] = [];
  const decided = new Map<string, CustomerDecision>();
  // A rejection is about one pair: the customer stays open to its other candidates.
  for (const d of decisions) if (d.decision === "link" || d.decision === "new") decided.set(d.localId, d);
  const rejected = new Set(
    decisions.filter((d) => d.decision === "reject").map((d) => `${d.localId} ${d.qboId}`),
  );
  const linkedQboCustomers = new Set<string>();
  for (const l of links.values()) if (refKind(l.ref) === "customer") linkedQboCustomers.add(l.qboId);
  for (const d of decisions)
    if (d.decision === "link" && d.qboId !== undefined) linkedQboCustomers.add(d.qboId);
  if (input.qboCustomers && input.qboCustomers.length > 0) {
    const existing = [...links.values()]
      .filter((l) => refKind(l.ref) === "customer")
      .map((l) => ({ localId: refId(l.ref), qboId: l.qboId }));
    for (const d of decisions)
      if (d.decision === "link" && d.qboId !== undefined && !links.has(recordRef("customer", d.localId)))
        existing.push({ localId: d.localId, qboId: d.qboId });
    const result = matchCustomers(input.records.customers.map(matchRecordFromCustomer), input.qboCustomers, {
      ...(input.matchPolicy ? { policy: input.matchPolicy } : {}),
      ...(input.onMatchProgress ? { onProgress: input.onMatchProgress } : {}),
      links: existing,
    });
    for (const p of result.decisions) {
      if (p.band === "new" || p.qboId === undefined) continue;
      if (links.has(recordRef("customer", p.localId))) continue;
      const d = decided.get(p.localId);
      if (d !== undefined && d.decision !== "review") continue;
      if (rejected.has(`${p.localId} ${p.qboId}`)) continue;
      if (p.band === "link") auto.set(p.localId, p);
      else if (p.band === "review")
        reviews.push({ localId: p.localId, qboId: p.qboId, score: p.score, reasons: p.reasons });
    }
  }
  const inReview = new Map(reviews.map((r) => [r.localId, r]));
  /** Customer links as validation should see them: stored, chosen by a person, or matched for sure. */
  const customerLinks = new Map<string, string>();
  for (const l of links.values()) if (refKind(l.ref) === "customer") customerLinks.set(refId(l.ref), l.qboId);
  for (const d of decided.values())
    if (d.decision === "link" && d.qboId !== undefined) customerLinks.set(d.localId, d.qboId);
  for (const [localId, p] of auto) customerLinks.set(localId, p.qboId!);

  // --- Validation and safe repairs.
  const byKind = (kind: SyncKind): Map<string, string> => {
    const out = new Map<string, string>();
    for (const l of links.values()) if (refKind(l.ref) === kind) out.set(refId(l.ref), l.qboId);
    return out;
  };
  const recordLinks: RecordLinks = {
    customers: customerLinks,
    items: byKind("item"),
    invoices: byKind("invoice"),
    creditMemos: byKind("creditMemo"),
    payments: byKind("payment"),
  };
  const recordSet: RecordSet = { ...input.records, links: recordLinks };
  const { records, repairs, findings } = validateAndRepair(recordSet, input.snapshot, policy);
  const findingsByRef = new Map<RecordRef, Finding[]>();
  for (const f of findings) {
    const list = findingsByRef.get(f.ref);
    if (list) list.push(f);
    else findingsByRef.set(f.ref, [f]);
  }
  // Items that repair mapped to an existing QBO item are linked, not created.
  const mappedItems = records.links?.items ?? new Map<string, string>();

  const steps: PlanStep[] = [];
  const stepByRef = new Map<RecordRef, PlanStep>();
  const add = (step: Omit<PlanStep, "seq">): PlanStep => {
    const s = { ...step, seq: steps.length } as PlanStep;
    steps.push(s);
    stepByRef.set(s.ref, s);
    return s;
  };
  const qboIdOf = (ref: RecordRef): string | undefined => links.get(ref)?.qboId;

  // --- QBO records to make active again before the records that use them are sent.
  const reactivationRefs = new Map<string, RecordRef>();
  for (const r of records.reactivations ?? []) {
    const kind = r.entity === "Customer" ? "customer" : r.entity === "Item" ? "item" : "account";
    let ref: RecordRef = recordRef("account", r.qboId);
    if (kind !== "account") {
      const map = kind === "customer" ? customerLinks : mappedItems;
      const localId = [...map].find(([, q]) => q === r.qboId)?.[0];
      if (localId === undefined) continue; // nothing of ours refers to it through a link
      ref = recordRef(kind, localId);
    }
    reactivationRefs.set(`${r.entity}:${r.qboId}`, ref);
  }
  const reactivationNeeds = new Map<RecordRef, RecordRef[]>();
  for (const rep of repairs) {
    if (rep.action !== "reactivate" || rep.qbo === undefined) continue;
    const target = reactivationRefs.get(`${rep.qbo.entity}:${rep.qbo.qboId}`);
    if (target === undefined || target === rep.ref) continue;
    const list = reactivationNeeds.get(rep.ref) ?? [];
    list.push(target);
    reactivationNeeds.set(rep.ref, list);
  }
  const accountReactivations = [...reactivationRefs].filter(([k]) => k.startsWith("Account:"));
  for (const [key, ref] of accountReactivations) {
    const qboId = key.slice("Account:".length);
    add({
      ref,
      kind: "account",
      localId: qboId,
      entity: "Account",
      action: "reactivate",
      reason: "an income account the app's items use is inactive in QuickBooks",
      qboId,
      payload: { Active: true },
      needs: [],
    });
  }
  const reactivated = new Set(reactivationRefs.values());
  const skippedClean = new Set<RecordRef>();

  // --- One step per live record.
  const consider = (
    kind: SyncKind,
    id: string,
    name: string | undefined,
    payload: QboPayload,
    extraNeeds: RecordRef[] = [],
  ): void => {
    const ref = recordRef(kind, id);
    const entity = entityOfKind[kind];
    const needs = [
      ...new Set([...localRefsIn(payload), ...extraNeeds, ...(reactivationNeeds.get(ref) ?? [])]),
    ];
    const base = { ref, kind, localId: id, entity, needs, payload, ...(name !== undefined ? { name } : {}) };
    const fp = fingerprint(payload);
    const unchanged = links.get(ref);
    if (unchanged && unchanged.fingerprint === fp && !reactivated.has(ref)) {
      // Nothing will be sent, so what validation says about it waits until the record changes.
      skippedClean.add(ref);
      add({
        ...base,
        qboId: unchanged.qboId,
        syncToken: unchanged.syncToken,
        fingerprint: fp,
        action: "skip",
        reason: "unchanged since the last sync",
      });
      return;
    }
    const blocking = (findingsByRef.get(ref) ?? []).filter((f) => f.severity === "blocks");
    if (blocking.length > 0) {
      add({
        ...base,
        action: "blocked",
        reason: blocking.map((f) => f.message).join(" "),
        findings: blocking,
      });
      return;
    }
    const hold = holds.get(ref);
    if (hold?.state === "removed") {
      add({
        ...base,
        action: "skip",
        reason: `removed from the queue${hold.by ? ` by ${hold.by}` : ""}; it comes back when it changes`,
      });
      return;
    }
    if (hold?.state === "held") {
      add({
        ...base,
        action: "held",
        reason: `on hold${hold.by ? ` by ${hold.by}` : ""}${hold.reason ? `: ${hold.reason}` : ""}`,
      });
      return;
    }
    const review = kind === "customer" ? inReview.get(id) : undefined;
    if (review) {
      add({
        ...base,
        action: "held",
        reason: `in review: it may be QuickBooks customer ${review.qboId} (${Math.round(review.score * 100)}% — ${review.reasons.join("; ")})`,
        qboId: review.qboId,
        match: { score: review.score, reasons: review.reasons },
      });
      return;
    }
    const waitingOn = needs.find((n) => {
      const s = stepByRef.get(n);
      return s !== undefined && (s.action === "held" || s.action === "blocked") && !links.has(n);
    });
    if (waitingOn !== undefined) {
      const s = stepByRef.get(waitingOn)!;
      add({
        ...base,
        action: s.action,
        reason: `waits for ${waitingOn}, which is ${s.action === "held" ? "held" : "blocked"}`,
      });
      return;
    }
    const link = links.get(ref);
    const qboObject = link ? qboObjects.get(`${entity}:${link.qboId}`) : undefined;
    // Updates and links never carry what QBO takes only on create (an item's type, stock set-up).
    const updatable = updatablePayload(entity, payload);
    if (link) {
      const withLink = {
        ...base,
        payload: updatable,
        qboId: link.qboId,
        syncToken: String(qboObject?.["SyncToken"] ?? link.syncToken),
        fingerprint: fp,
      };
      if (reactivated.has(ref)) {
        add({
          ...withLink,
          action: "reactivate",
          reason: "inactive in QuickBooks and used by a record being sent",
          payload: { Active: true },
          changes: [{ field: "Active", before: false, after: true }],
        });
        return;
      }
      if (link.fingerprint === fp) {
        add({ ...withLink, action: "skip", reason: "unchanged since the last sync" });
        return;
      }
      const changes = fieldChanges(updatable, qboObject, qboIdOf);
      if (link.fingerprint === "" && qboObject !== undefined && changes.length === 0) {
        add({
          ...withLink,
          action: "link",
          reason: "linked by a person; QuickBooks already has the same data",
          changes,
        });
        return;
      }
      const lastSent = input.lastSent?.get(ref);
      if (
        link.fingerprint !== "" &&
        qboObject !== undefined &&
        lastSent !== undefined &&
        String(qboObject["SyncToken"]) !== link.syncToken
      ) {
        // Both sides moved since the last sync: keep QBO's own edits, send only the app's, and leave a
        // field both changed differently to a person.
        let ours: QboPayload;
        try {
          ours = resolveLocalRefs(updatable, qboIdOf);
        } catch {
          ours = updatable;
        }
        const { merged, conflicts } = threeWay(lastSent, ours, qboObject);
        if (conflicts.length > 0) {
          add({
            ...withLink,
            action: "held",
            reason: `changed in QuickBooks and in the app since the last sync — ${conflicts
              .map(
                (c) =>
                  `${c.field}: QuickBooks has ${JSON.stringify(c.theirs)}, the app has ${JSON.stringify(c.ours)}`,
              )
              .join("; ")}; choose which to keep`,
            changes: conflicts.map((c) => ({ field: c.field, before: c.theirs, after: c.ours })),
          });
          return;
        }
        if (Object.keys(merged).length === 0) {
          add({
            ...withLink,
            action: "link",
            reason: "QuickBooks already has the app's changes",
            changes: [],
          });
          return;
        }
        add({
          ...withLink,
          payload: merged,
          action: "update",
          reason: "changed in the app; QuickBooks' own edits since the last sync are kept",
          changes: fieldChanges(merged, qboObject, qboIdOf),
        });
        return;
      }
      add({
        ...withLink,
        action: "update",
        reason:
          link.fingerprint === ""
            ? "linked by a person; the app's data is sent"
            : "changed since the last sync",
        changes,
      });
      return;
    }
    // Not linked yet: link to what a person chose or matching found, or create.
    const chosen = kind === "customer" ? decided.get(id) : undefined;
    const matched = kind === "customer" ? auto.get(id) : undefined;
    const mappedTo = kind === "item" ? mappedItems.get(id) : undefined;
    const target = chosen?.decision === "link" ? chosen.qboId : (matched?.qboId ?? mappedTo);
    if (target !== undefined) {
      const qboObj = qboObjects.get(`${entity}:${target}`);
      const changes = fieldChanges(updatable, qboObj, qboIdOf);
      const why =
        chosen?.decision === "link"
          ? "a person linked it to this QuickBooks customer"
          : matched
            ? `the same customer is already in QuickBooks (${Math.round(matched.score * 100)}%: ${matched.reasons.join("; ")})`
            : "the same item is already in QuickBooks (same SKU or name)";
      const step: Omit<PlanStep, "seq"> = {
        ...base,
        payload: updatable,
        action: "link",
        reason: changes.length > 0 ? `${why}; the app's changes are sent` : why,
        qboId: target,
        fingerprint: fp,
        changes,
      };
      if (qboObj?.["SyncToken"] !== undefined) step.syncToken = String(qboObj["SyncToken"]);
      if (matched) step.match = { score: matched.score, reasons: matched.reasons };
      add(step);
      return;
    }
    add({
      ...base,
      action: "create",
      reason: chosen?.decision === "new" ? "a person chose to create it new" : "not in QuickBooks yet",
      fingerprint: fp,
    });
  };

  for (const item of records.items ?? []) consider("item", item.id, item.name, itemPayload(item, lookups));
  for (const c of parentsFirst(records.customers ?? []))
    consider("customer", c.id, c.displayName, customerPayload(c));
  for (const d of records.invoices ?? []) consider("invoice", d.id, d.docNumber, invoicePayload(d, lookups));
  for (const d of records.creditMemos ?? [])
    consider("creditMemo", d.id, d.docNumber, creditMemoPayload(d, lookups));
  for (const p of records.payments ?? []) consider("payment", p.id, p.reference, paymentPayload(p));

  // --- What the app deleted: transactions are deleted, list records made inactive; dependents first.
  const deletionOrder: SyncKind[] = ["payment", "creditMemo", "invoice", "customer", "item"];
  const deleted = [...(input.deleted ?? [])].sort(
    (a, b) => deletionOrder.indexOf(a.kind) - deletionOrder.indexOf(b.kind),
  );
  for (const d of deleted) {
    const ref = recordRef(d.kind, d.id);
    const link = links.get(ref);
    if (!link || stepByRef.has(ref)) continue;
    const entity = entityOfKind[d.kind];
    const isList = d.kind === "customer" || d.kind === "item";
    const qboObject = qboObjects.get(`${entity}:${link.qboId}`);
    if (isList && qboObject?.["Active"] === false) continue;
    add({
      ref,
      kind: d.kind,
      localId: d.id,
      entity,
      action: isList ? "inactivate" : "delete",
      reason: isList ? "deleted in the app; QuickBooks keeps it, inactive" : "deleted in the app",
      qboId: link.qboId,
      syncToken: String(qboObject?.["SyncToken"] ?? link.syncToken),
      needs: [],
      ...(isList ? { payload: { Active: false } } : {}),
    });
  }

  // --- QBO duplicates a person chose to make inactive.
  for (const d of decisions) {
    if (d.decision !== "qbo-inactivate" || d.qboId === undefined) continue;
    const obj = qboObjects.get(`Customer:${d.qboId}`);
    if (obj?.["Active"] === false) continue;
    add({
      ref: recordRef("customer", `qbo-${d.qboId}`),
      kind: "customer",
      localId: "",
      entity: "Customer",
      action: "inactivate",
      reason: "a duplicate in QuickBooks a person chose to make inactive",
      qboId: d.qboId,
      syncToken: String(obj?.["SyncToken"] ?? ""),
      payload: { Active: false },
      needs: [],
    });
  }

  let planned = steps;
  if (input.only !== undefined) planned = restrictTo(steps, input.only, links);
  planned.forEach((s, i) => (s.seq = i));
  const counts = Object.fromEntries(
    ["create", "link", "update", "reactivate", "inactivate", "delete", "skip", "held", "blocked"].map((a) => [
      a,
      0,
    ]),
  ) as Record<StepAction, number>;
  for (const s of planned) counts[s.action]++;
  return {
    steps: planned,
    repairs,
    findings: findings.filter((f) => !skippedClean.has(f.ref)),
    reviews,
    counts,
  };
}

/** The steps for `only` and, transitively, the steps they need that are not in QBO yet. */
function restrictTo(
  steps: PlanStep[],
  only: readonly RecordRef[],
  links: ReadonlyMap<RecordRef, RecordLink>,
): PlanStep[] {
  const byRef = new Map(steps.map((s) => [s.ref, s]));
  const keep = new Set<RecordRef>();
  const visit = (ref: RecordRef): void => {
    if (keep.has(ref)) return;
    const s = byRef.get(ref);
    if (!s) return;
    keep.add(ref);
    for (const n of s.needs) if (!links.has(n)) visit(n);
  };
  only.forEach(visit);
  return steps.filter((s) => keep.has(s.ref));
}
