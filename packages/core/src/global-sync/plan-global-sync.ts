import type { Address, Customer } from "../customer.js";
import { matchCustomers } from "../match/match-customers.js";
import type { MatchPolicy } from "../match/match-policy.js";
import {
  matchRecordFromCustomer,
  matchRecordFromQboCustomer,
  type MatchRecord,
} from "../match/match-record.js";
import type { QboCustomer, QboPhysicalAddress } from "../qbo-entities.js";
import type { ItemRecord, ItemType } from "../records/item-record.js";

/**
 * The global sync (pull direction), planned: which QBO customers and items match nothing in the app
 * and are to be brought into the app's records, marked as originating in QBO and linked to their
 * QBO twin. Pure. The matcher runs the other way round (QBO's records against the app's), so a QBO
 * customer that is an app customer spelled differently is never copied: a sure match is left for the
 * sync to link, one in the review band goes to a person.
 */
export type GlobalSyncScope = "active" | "all";
export type GlobalSyncKind = "customer" | "item";

export interface GlobalSyncInput {
  scope: GlobalSyncScope;
  kinds: readonly GlobalSyncKind[];
  /** The app's live customers and items. */
  customers: readonly Customer[];
  items: readonly { id: string; name: string }[];
  /** QBO's customers and items from the mirror (deleted ones left out by the caller). */
  qboCustomers: readonly QboCustomer[];
  qboItems: readonly Record<string, unknown>[];
  /** Existing links: app id ↔ QBO Id, per kind. */
  links: readonly { kind: GlobalSyncKind; localId: string; qboId: string }[];
  /** People's decisions: pairs rejected, QBO customers to be made inactive. */
  decisions?: readonly { localId: string; qboId?: string; decision: string }[];
  matchPolicy?: MatchPolicy;
}

export interface GlobalSyncCreate {
  kind: GlobalSyncKind;
  qboId: string;
  name: string;
  /** `qbo-<QBO Id>`: stable, so a second global sync finds it. */
  id: string;
  parentId: string | null;
  active: boolean;
  /** The app record to store (origin "qbo"). */
  record: Customer | ItemRecord;
}

export type GlobalSyncSkipReason =
  "linked" | "matched" | "review" | "inactive" | "parent-not-brought" | "decided";

export interface GlobalSyncSkip {
  kind: GlobalSyncKind;
  qboId: string;
  name: string;
  reason: GlobalSyncSkipReason;
  localId: string | null;
  score: number | null;
  /** For "review": why the matcher thinks they may be the same. */
  reasons?: string[];
}

export interface GlobalSyncPlan {
  scope: GlobalSyncScope;
  counts: { create: number; linked: number; matched: number; review: number; skipped: number };
  /** Parents before children. */
  creates: GlobalSyncCreate[];
  skipped: GlobalSyncSkip[];
}

/** The app id a QBO record gets when brought in. */
export const appIdForQbo = (qboId: string): string => `qbo-${qboId}`;

export function planGlobalSync(input: GlobalSyncInput): GlobalSyncPlan {
  const creates: GlobalSyncCreate[] = [];
  const skipped: GlobalSyncSkip[] = [];
  if (input.kinds.includes("customer")) planCustomers(input, creates, skipped);
  if (input.kinds.includes("item")) planItems(input, creates, skipped);
  const count = (r: GlobalSyncSkipReason) => skipped.filter((s) => s.reason === r).length;
  return {
    scope: input.scope,
    counts: {
      create: creates.length,
      linked: count("linked"),
      matched: count("matched"),
      review: count("review"),
      skipped: skipped.length - count("linked") - count("matched") - count("review"),
    },
    creates,
    skipped,
  };
}

function planCustomers(input: GlobalSyncInput, creates: GlobalSyncCreate[], skipped: GlobalSyncSkip[]): void {
  const links = input.links.filter((l) => l.kind === "customer");
  const linkedQbo = new Map(links.map((l) => [l.qboId, l.localId]));
  const decisions = input.decisions ?? [];
  const inactivate = new Set(decisions.filter((d) => d.decision === "qbo-inactivate").map((d) => d.qboId));
  const rejected = new Set(
    decisions.filter((d) => d.decision === "reject").map((d) => `${d.localId}\u0000${d.qboId ?? ""}`),
  );
  const byQboId = new Map<string, QboCustomer>();
  for (const q of input.qboCustomers) if (q.Id !== undefined) byQboId.set(q.Id, q);
  const nameOf = (q: QboCustomer) => q.DisplayName ?? q.FullyQualifiedName?.split(":").pop() ?? "";

  const sameName = new Map(input.customers.map((c) => [looseNameKey(c.displayName), c.id]));
  const candidates: QboCustomer[] = [];
  for (const q of byQboId.values()) {
    const base = { kind: "customer" as const, qboId: q.Id!, name: nameOf(q), score: null };
    const local = linkedQbo.get(q.Id!);
    if (local !== undefined) skipped.push({ ...base, reason: "linked", localId: local });
    else if (input.scope === "active" && q.Active === false)
      skipped.push({ ...base, reason: "inactive", localId: null });
    else if (inactivate.has(q.Id!)) skipped.push({ ...base, reason: "decided", localId: null });
    else if (sameName.has(looseNameKey(nameOf(q))))
      // Two customers of one name cannot both reach QBO: whatever the other fields say, a person decides.
      skipped.push({
        ...base,
        reason: "review",
        localId: sameName.get(looseNameKey(nameOf(q)))!,
        score: 0.5,
        reasons: ["the same name as a customer in the app (ignoring case, spaces and punctuation)"],
      });
    else candidates.push(q);
  }

  // QBO's unlinked customers against every app customer, in rounds: the matcher pairs one to one, so a
  // QBO record that lost its app twin to a closer QBO record in one round is tried again in the next,
  // against all the app's customers, until a round pairs nothing new.
  // Parents are left out on both sides: here the question is only "is this QBO customer one of the app's".
  const app = input.customers.map((c) => {
    const { parentId: _p, ...r } = matchRecordFromCustomer(c);
    return r as MatchRecord;
  });
  let left = candidates;
  for (let round = 0; left.length > 0 && round < 10; round++) {
    const records = left.map((q) => {
      const { parentId: _p, ...r } = matchRecordFromQboCustomer(q);
      return r as MatchRecord;
    });
    const result = matchCustomers(records, app, {
      ...(input.matchPolicy ? { policy: input.matchPolicy } : {}),
    });
    const next: QboCustomer[] = [];
    const byId = new Map(left.map((q) => [q.Id!, q]));
    for (const d of result.decisions) {
      const q = byId.get(d.localId)!;
      const appId = d.qboId;
      if (d.band === "new" || appId === undefined || rejected.has(`${appId}\u0000${q.Id}`)) {
        next.push(q);
        continue;
      }
      skipped.push({
        kind: "customer",
        qboId: q.Id!,
        name: nameOf(q),
        reason: d.band === "link" ? "matched" : "review",
        localId: appId,
        score: d.score,
        ...(d.band === "review" ? { reasons: d.reasons } : {}),
      });
    }
    if (next.length === left.length) break;
    left = next;
  }

  // Parents first; a child whose parent is neither in the app nor brought in now waits.
  const bringing = new Map(left.map((q) => [q.Id!, q]));
  const appIdOfQbo = (qboId: string): string | undefined => {
    const linked = linkedQbo.get(qboId);
    if (linked !== undefined) return linked;
    const matched = skipped.find((s) => s.kind === "customer" && s.qboId === qboId && s.reason === "matched");
    if (matched?.localId) return matched.localId;
    return bringing.has(qboId) ? appIdForQbo(qboId) : undefined;
  };
  const placed = new Set<string>();
  const place = (q: QboCustomer, depth: number): boolean => {
    if (placed.has(q.Id!)) return true;
    const parentQbo = q.ParentRef?.value;
    let parentId: string | null = null;
    if (parentQbo !== undefined) {
      const parent = bringing.get(parentQbo);
      if (parent !== undefined && depth < 50 && !place(parent, depth + 1)) return refuse(q, parentQbo);
      const id = appIdOfQbo(parentQbo);
      if (id === undefined || (parent !== undefined && !placed.has(parentQbo))) return refuse(q, parentQbo);
      parentId = id;
    }
    placed.add(q.Id!);
    const record = customerFromQbo(q, appIdForQbo(q.Id!), parentId);
    creates.push({
      kind: "customer",
      qboId: q.Id!,
      name: record.displayName,
      id: record.id,
      parentId,
      active: record.active,
      record,
    });
    return true;
  };
  const refusedIds = new Set<string>();
  const refuse = (q: QboCustomer, parentQbo: string): false => {
    if (!refusedIds.has(q.Id!)) {
      refusedIds.add(q.Id!);
      skipped.push({
        kind: "customer",
        qboId: q.Id!,
        name: nameOf(q),
        reason: "parent-not-brought",
        localId: null,
        score: null,
        reasons: [`its parent (QBO ${parentQbo}) is not in the app and is not being brought in`],
      });
    }
    return false;
  };
  for (const q of left) place(q, 0);
}

function planItems(input: GlobalSyncInput, creates: GlobalSyncCreate[], skipped: GlobalSyncSkip[]): void {
  const linkedQbo = new Map(input.links.filter((l) => l.kind === "item").map((l) => [l.qboId, l.localId]));
  // The sync links items by name, so an app item of the same name (folded) is the same item.
  const appByName = new Map(input.items.map((i) => [itemNameKey(i.name), i.id]));
  for (const q of input.qboItems) {
    const qboId = String(q["Id"]);
    const name = String(q["Name"] ?? "");
    const type = String(q["Type"] ?? "");
    const active = q["Active"] !== false;
    const base = { kind: "item" as const, qboId, name, score: null };
    if (!(itemTypes as readonly string[]).includes(type)) continue; // categories and bundles stay in QBO
    const local = linkedQbo.get(qboId);
    if (local !== undefined) skipped.push({ ...base, reason: "linked", localId: local });
    else if (input.scope === "active" && !active)
      skipped.push({ ...base, reason: "inactive", localId: null });
    else if (appByName.has(itemNameKey(name)))
      skipped.push({ ...base, reason: "matched", localId: appByName.get(itemNameKey(name))! });
    else {
      const record: ItemRecord = { id: appIdForQbo(qboId), name, type: type as ItemType, active };
      const sku = q["Sku"];
      const description = q["Description"];
      const price = q["UnitPrice"];
      if (typeof sku === "string" && sku !== "") record.sku = sku;
      if (typeof description === "string" && description !== "") record.description = description;
      if (typeof price === "number" && Number.isFinite(price)) record.unitPrice = String(price) as never;
      const income = (q["IncomeAccountRef"] as { name?: string } | undefined)?.name;
      if (income) record.incomeAccount = income;
      creates.push({ kind: "item", qboId, name, id: record.id, parentId: null, active, record });
    }
  }
}

const itemTypes = ["Service", "Inventory", "NonInventory"] as const;
const itemNameKey = (name: string): string =>
  name.normalize("NFKC").trim().replace(/\s+/g, " ").toLowerCase();

function addressFromQbo(a: QboPhysicalAddress | undefined): Address | undefined {
  if (a === undefined) return undefined;
  const out: Address = {};
  if (a.Line1) out.line1 = a.Line1;
  if (a.Line2) out.line2 = a.Line2;
  if (a.City) out.city = a.City;
  if (a.CountrySubDivisionCode) out.region = a.CountrySubDivisionCode;
  if (a.PostalCode) out.postalCode = a.PostalCode;
  if (a.Country) out.country = a.Country;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The app's customer for a QBO one: the fields `customerToQbo` sends, read back. */
export function customerFromQbo(q: QboCustomer, id: string, parentId: string | null): Customer {
  const display = q.DisplayName ?? q.FullyQualifiedName?.split(":").pop() ?? "";
  const c: Customer = { id, displayName: display, active: q.Active !== false };
  if (parentId !== null) c.parentId = parentId;
  if (q.CompanyName) c.companyName = q.CompanyName;
  if (q.Title) c.title = q.Title;
  if (q.GivenName) c.givenName = q.GivenName;
  if (q.MiddleName) c.middleName = q.MiddleName;
  if (q.FamilyName) c.familyName = q.FamilyName;
  if (q.Suffix) c.suffix = q.Suffix;
  if (q.PrimaryEmailAddr?.Address) c.email = q.PrimaryEmailAddr.Address;
  if (q.PrimaryPhone?.FreeFormNumber) c.phone = q.PrimaryPhone.FreeFormNumber;
  if (q.Mobile?.FreeFormNumber) c.mobile = q.Mobile.FreeFormNumber;
  const bill = addressFromQbo(q.BillAddr);
  if (bill) c.billingAddress = bill;
  const ship = addressFromQbo(q.ShipAddr);
  if (ship) c.shippingAddress = ship;
  if (q.Notes) c.notes = q.Notes;
  return c;
}

/** A name with case, accents, spaces and punctuation folded away: "ACME Plumbing, Inc." = "Acme Plumbing Inc". */
const looseNameKey = (name: string): string =>
  name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "");
