import type { EntityDef, QboObject, WriteContext } from "./entities/entity-def.js";
import { faults } from "./fault.js";
import type { Realm } from "./realm.js";
import { renderEntity } from "./render-entity.js";

export type WriteOperation = "create" | "update" | "delete" | "void";

const SERVER_FIELDS = ["Id", "SyncToken", "MetaData", "domain", "sparse"];

function syncTokenOf(body: QboObject): string {
  const token = body["SyncToken"];
  if (token === undefined || token === null || token === "") throw faults.required("SyncToken");
  return String(token);
}

function existingRecord(realm: Realm, def: EntityDef, body: QboObject): QboObject {
  const id = body["Id"];
  if (id === undefined || id === null || id === "") throw faults.required("Id");
  const existing = realm.table(def.name).get(String(id));
  if (!existing) throw faults.objectNotFound(`${def.name} Id=${String(id)} does not exist`);
  if (syncTokenOf(body) !== existing["SyncToken"]) throw faults.staleObject();
  return existing;
}

function checkUnique(
  ctx: WriteContext,
  def: EntityDef,
  candidate: QboObject,
  selfId: string | undefined,
): void {
  for (const u of def.unique ?? []) {
    if (u.allowShared?.(ctx)) continue;
    const key = u.key(candidate, ctx.realm);
    if (key === undefined) continue;
    const holder = ctx.realm.uniqueIndex
      .get(u.scope)
      ?.get(key)
      ?.find((h) => !(h.entity === def.name && h.id === selfId));
    if (holder) throw u.fault(candidate, holder);
  }
}

function reindex(realm: Realm, def: EntityDef, previous: QboObject | undefined, next: QboObject | undefined) {
  for (const u of def.unique ?? []) {
    let index = realm.uniqueIndex.get(u.scope);
    if (!index) {
      index = new Map();
      realm.uniqueIndex.set(u.scope, index);
    }
    const oldKey = previous ? u.key(previous, realm) : undefined;
    if (oldKey !== undefined) {
      const id = String(previous!["Id"]);
      const rest = (index.get(oldKey) ?? []).filter((h) => !(h.entity === def.name && h.id === id));
      if (rest.length > 0) index.set(oldKey, rest);
      else index.delete(oldKey);
    }
    const newKey = next ? u.key(next, realm) : undefined;
    if (newKey !== undefined) {
      const holders = index.get(newKey) ?? [];
      holders.push({ entity: def.name, id: String(next!["Id"]) });
      index.set(newKey, holders);
    }
  }
}

/** Refuses a transaction dated on or before the company's closing date (6210). */
export function checkOpenPeriod(realm: Realm, def: EntityDef, record: QboObject | undefined): void {
  if (def.kind !== "transaction" || record === undefined || realm.closingDate === undefined) return;
  const txnDate = record["TxnDate"];
  if (typeof txnDate === "string" && txnDate.slice(0, 10) <= realm.closingDate)
    throw faults.periodClosed(txnDate, realm.closingDate);
}

/**
 * Creates, updates (full or sparse), deletes or voids one record with QBO's rules, and returns what
 * QBO would send back. Throws QboFault; on a fault nothing is written.
 */
export function writeEntity(
  ctx: WriteContext,
  def: EntityDef,
  operation: WriteOperation,
  body: QboObject,
): QboObject {
  const { realm } = ctx;
  if (body === null || typeof body !== "object" || Array.isArray(body))
    throw faults.malformedRequest(`The request body must be a ${def.name} object`);
  if (def.kind === "readonly")
    throw faults.unsupportedOperation(`${def.name} cannot be written through the API`);

  if (operation === "delete" || operation === "void") {
    if (def.kind !== "transaction")
      throw faults.unsupportedOperation(
        `Operation ${operation} is not supported for ${def.name}; make it inactive with Active=false`,
      );
    if (operation === "void" && !def.void)
      throw faults.unsupportedOperation(`Operation void is not supported for ${def.name}`);
    const existing = existingRecord(realm, def, body);
    checkOpenPeriod(realm, def, existing);
    if (operation === "delete") {
      def.beforeDelete?.(ctx, existing);
      realm.table(def.name).delete(String(existing["Id"]));
      reindex(realm, def, existing, undefined);
      const now = realm.nowMs();
      realm.tombstones.push({ entity: def.name, id: String(existing["Id"]), timeMs: now });
      def.afterCommit?.(ctx, undefined, existing);
      realm.emitChange(def.name, String(existing["Id"]), "Delete");
      return { Id: existing["Id"], status: "Deleted", domain: "QBO" };
    }
    const voided: QboObject = structuredClone(existing);
    def.void!(ctx, voided);
    return commit(ctx, def, voided, existing, "Void");
  }

  const hasId = body["Id"] !== undefined && body["Id"] !== null && body["Id"] !== "";
  // QBO treats a POST carrying an Id as an update, with or without operation=update.
  if (operation === "update" || hasId) {
    const existing = existingRecord(realm, def, body);
    const sparse = body["sparse"] === true || body["sparse"] === "true";
    let candidate: QboObject;
    if (sparse) {
      candidate = { ...structuredClone(existing), ...body };
    } else {
      // A full update replaces every writable field; omitted ones are cleared, as QBO does.
      candidate = { ...body };
      for (const f of [...SERVER_FIELDS, ...(def.keepOnFullUpdate ?? [])])
        if (existing[f] !== undefined && (f !== "sparse" || candidate[f] === undefined))
          candidate[f] = existing[f];
    }
    checkOpenPeriod(realm, def, existing);
    def.prepare(ctx, candidate, existing);
    checkOpenPeriod(realm, def, candidate);
    checkUnique(ctx, def, candidate, String(existing["Id"]));
    return commit(ctx, def, candidate, existing, "Update");
  }

  if (def.kind === "singleton") throw faults.required("Id");
  const candidate: QboObject = { ...body };
  for (const f of SERVER_FIELDS) delete candidate[f];
  def.prepare(ctx, candidate, undefined);
  checkOpenPeriod(realm, def, candidate);
  checkUnique(ctx, def, candidate, undefined);
  return commit(ctx, def, candidate, undefined, "Create");
}

function commit(
  ctx: WriteContext,
  def: EntityDef,
  candidate: QboObject,
  existing: QboObject | undefined,
  operation: "Create" | "Update" | "Void",
): QboObject {
  const { realm } = ctx;
  const now = realm.timestamp();
  delete candidate["sparse"];
  if (existing) {
    candidate["Id"] = existing["Id"];
    candidate["SyncToken"] = String(Number(existing["SyncToken"]) + 1);
    const meta = existing["MetaData"] as { CreateTime: string };
    candidate["MetaData"] = { CreateTime: meta.CreateTime, LastUpdatedTime: now };
  } else {
    candidate["Id"] = realm.allocateId(def.name, ctx.seedId);
    candidate["SyncToken"] = "0";
    candidate["MetaData"] = { CreateTime: now, LastUpdatedTime: now };
  }
  candidate["domain"] = "QBO";
  candidate["sparse"] = false;
  const id = String(candidate["Id"]);
  realm.table(def.name).set(id, candidate);
  reindex(realm, def, existing, candidate);
  def.afterCommit?.(ctx, candidate, existing);
  realm.emitChange(def.name, id, operation);
  return renderEntity(realm, def, candidate);
}
