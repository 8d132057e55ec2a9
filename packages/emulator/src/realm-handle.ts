import { mergeCustomers, type CustomerMergeResult } from "./admin/merge-customers.js";
import type { EntityName, QboObject } from "./entities/entity-def.js";
import { entityDefOf } from "./entities/registry.js";
import type { FaultRule } from "./fault-injection.js";
import type { Realm, RequestLogEntry } from "./realm.js";
import { renderEntity } from "./render-entity.js";
import { writeEntity } from "./write-entity.js";

/** What tests and the admin API can do to one company. */
export interface RealmHandle {
  readonly id: string;
  /** Records of an entity as QBO shows them, inactive ones included, by Id. */
  list(entity: EntityName): QboObject[];
  get(entity: EntityName, id: string): QboObject | undefined;
  /** Creates a record through the same rules as the API (throws QboFault on a rule). */
  create(entity: EntityName, body: QboObject): QboObject;
  /** What QBO's web UI does on a merge (the API has none): see admin/merge-customers.ts. */
  mergeCustomers(fromId: string, intoId: string): CustomerMergeResult;
  readonly requestLog: readonly RequestLogEntry[];
  setClosingDate(date: string | null): void;
  readonly closingDate: string | undefined;
  setPreferences(patch: QboObject): QboObject;
  injectFault(rule: FaultRule): void;
  clearFaults(): void;
  listFaults(): FaultRule[];
  advanceClock(ms: number): void;
  now(): Date;
  revokeTokens(): void;
  reset(): void;
}

export function realmHandle(
  realm: Realm,
  ops: { reset(realm: Realm): void; revokeTokens(realmId: string): void },
): RealmHandle {
  return {
    id: realm.id,
    list(entity) {
      const def = entityDefOf(entity);
      return [...realm.table(entity).values()]
        .sort((a, b) => Number(a["Id"]) - Number(b["Id"]))
        .map((r) => structuredClone(renderEntity(realm, def, r)));
    },
    get(entity, id) {
      const r = realm.table(entity).get(id);
      return r ? structuredClone(renderEntity(realm, entityDefOf(entity), r)) : undefined;
    },
    create(entity, body) {
      return structuredClone(
        writeEntity(
          { realm, allowDuplicateDocNum: false },
          entityDefOf(entity),
          "create",
          structuredClone(body),
        ),
      );
    },
    mergeCustomers: (fromId, intoId) => mergeCustomers(realm, fromId, intoId),
    get requestLog() {
      return realm.requestLog;
    },
    get closingDate() {
      return realm.closingDate;
    },
    setClosingDate(date) {
      if (date !== null && !/^\d{4}-\d{2}-\d{2}$/.test(date))
        throw new Error(`closing date must be YYYY-MM-DD or null, got ${date}`);
      realm.closingDate = date ?? undefined;
    },
    setPreferences(patch) {
      const prefs = realm.table("Preferences").get("1");
      if (!prefs) throw new Error(`company ${realm.id} has no Preferences`);
      const merged = writeEntity(
        { realm, allowDuplicateDocNum: false },
        entityDefOf("Preferences"),
        "update",
        {
          ...structuredClone(patch),
          Id: "1",
          SyncToken: prefs["SyncToken"],
          sparse: true,
        },
      );
      return structuredClone(merged);
    },
    injectFault: (rule) => realm.faults.add(rule),
    clearFaults: () => realm.faults.clear(),
    listFaults: () => realm.faults.list(),
    advanceClock: (ms) => realm.advanceClock(ms),
    now: () => new Date(realm.nowMs()),
    revokeTokens: () => ops.revokeTokens(realm.id),
    reset: () => ops.reset(realm),
  };
}
