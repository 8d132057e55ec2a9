import { readFileSync } from "node:fs";
import { ENTITY_NAMES, type EntityName, type QboObject } from "./entities/entity-def.js";
import { entityDefOf } from "./entities/registry.js";
import { QboFault } from "./fault.js";
import type { Realm } from "./realm.js";
import { writeEntity } from "./write-entity.js";

export interface RealmSeed {
  realmId?: string;
  companyName?: string;
  /** Books closed on and before this day (YYYY-MM-DD); applied after the records are created. */
  closingDate?: string;
  /** A sparse patch of Preferences, e.g. `{ SalesFormsPrefs: { CustomTxnNumbers: true } }`. */
  preferences?: QboObject;
  /** Records by entity, created through the API's rules in the order below; an `Id` is kept. */
  entities?: Partial<Record<EntityName, QboObject[]>>;
}

/** Companies to start with, as JSON. */
export interface EmulatorSeed {
  realms: RealmSeed[];
}

/** Dependency order: what a record references is created before it. */
export const SEED_ORDER: readonly EntityName[] = [
  "Account",
  "TaxCode",
  "Item",
  "Customer",
  "Vendor",
  "Employee",
  "Invoice",
  "CreditMemo",
  "Payment",
];

/** Reads and checks a seed file. */
export function loadSeedFile(path: string): EmulatorSeed {
  const parsed = JSON.parse(readFileSync(path, "utf8")) as unknown;
  return checkSeed(parsed, path);
}

export function checkSeed(value: unknown, source = "seed"): EmulatorSeed {
  if (value === null || typeof value !== "object" || !Array.isArray((value as { realms?: unknown }).realms))
    throw new Error(`${source}: a seed is {"realms": [...]}`);
  const seed = value as EmulatorSeed;
  seed.realms.forEach((r, i) => {
    for (const key of Object.keys(r.entities ?? {}))
      if (!(ENTITY_NAMES as readonly string[]).includes(key))
        throw new Error(`${source}: realms[${i}].entities.${key} is not an entity the emulator knows`);
  });
  return seed;
}

/** Creates a seed's records in a realm; a record QBO would refuse fails the seed, naming it. */
export function applySeed(realm: Realm, seed: RealmSeed): void {
  realm.quietly(() => apply(realm, seed));
}

function apply(realm: Realm, seed: RealmSeed): void {
  if (seed.preferences) {
    const prefs = realm.table("Preferences").get("1");
    if (prefs)
      writeEntity({ realm, allowDuplicateDocNum: false }, entityDefOf("Preferences"), "update", {
        ...seed.preferences,
        Id: "1",
        SyncToken: prefs["SyncToken"],
        sparse: true,
      });
  }
  for (const entity of SEED_ORDER) {
    const records = seed.entities?.[entity] ?? [];
    records.forEach((record, i) => {
      const { Id, ...body } = record;
      try {
        writeEntity(
          { realm, allowDuplicateDocNum: true, ...(Id !== undefined ? { seedId: String(Id) } : {}) },
          entityDefOf(entity),
          "create",
          body,
        );
      } catch (err) {
        const why = err instanceof QboFault ? err.message : String(err);
        throw new Error(
          `seed of realm ${realm.id}: ${entity}[${i}]${Id !== undefined ? ` (Id ${String(Id)})` : ""}: ${why}`,
        );
      }
    });
  }
  if (seed.closingDate !== undefined) realm.closingDate = seed.closingDate;
}
