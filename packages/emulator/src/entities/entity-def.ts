import type { QboFault } from "../fault.js";
import type { Realm } from "../realm.js";

/** An entity as stored and sent: QBO's wire JSON, PascalCase keys. */
export type QboObject = Record<string, unknown>;

export const ENTITY_NAMES = [
  "Customer",
  "Vendor",
  "Employee",
  "Item",
  "Account",
  "TaxCode",
  "Invoice",
  "CreditMemo",
  "Payment",
  "Preferences",
  "CompanyInfo",
] as const;
export type EntityName = (typeof ENTITY_NAMES)[number];

/** What a write sees besides the record: the company, the request's options and the time. */
export interface WriteContext {
  realm: Realm;
  allowDuplicateDocNum: boolean;
  /** Seeding keeps the seed's Id instead of allocating one. */
  seedId?: string;
}

export interface UniqueKey {
  /** Entities sharing a scope share one namespace (Customer, Vendor and Employee share DisplayName). */
  scope: string;
  /** The field whose normalised value is the key, when it is one field (lets queries use the index). */
  field?: string;
  key(record: QboObject, realm: Realm): string | undefined;
  /** True when this write may share the key (DocNumber with include=allowduplicatedocnum). */
  allowShared?(ctx: WriteContext): boolean;
  fault(record: QboObject, holder: { entity: EntityName; id: string }): QboFault;
}

/** The rules of one QBO entity. */
export interface EntityDef {
  name: EntityName;
  /** name lists are inactivated, transactions deleted (and some voided), singletons only updated. */
  kind: "name" | "transaction" | "singleton" | "readonly";
  /** Validates a candidate (after sparse merge) and fills computed fields; throws QboFault. */
  prepare(ctx: WriteContext, candidate: QboObject, existing: QboObject | undefined): void;
  unique?: UniqueKey[];
  /** The record as QBO shows it (e.g. " (deleted)" on inactive customers); must not mutate. */
  render?(realm: Realm, record: QboObject): QboObject;
  /** Fields only the renderer knows (FullyQualifiedName, Level); queries on them render first. */
  computedFields?: readonly string[];
  /** Side effects on other records (payments reduce invoice balances). */
  afterCommit?(ctx: WriteContext, record: QboObject | undefined, previous: QboObject | undefined): void;
  /** Refuses a delete QBO would refuse (an invoice with payments applied); throws QboFault. */
  beforeDelete?(ctx: WriteContext, record: QboObject): void;
  /** Zeroes a transaction for operation=void; absent when QBO cannot void this entity. */
  void?(ctx: WriteContext, record: QboObject): void;
  /** Fields a full update keeps even when omitted (read-only or computed). */
  keepOnFullUpdate?: readonly string[];
}
