import type { EmulatorClock } from "./clock.js";
import { Realm, type ChangeEvent, type RealmSettings } from "./realm.js";

/** A new company with what QBO creates for every company. */
export function createCompany(
  id: string,
  clock: EmulatorClock,
  settings: Partial<RealmSettings>,
  onChange: (event: ChangeEvent) => void,
): Realm {
  const realm = new Realm(
    id,
    clock,
    {
      companyName: settings.companyName ?? `Emulated Company ${id}`,
      utcOffsetMinutes: settings.utcOffsetMinutes ?? -480,
    },
    onChange,
  );
  populateCompany(realm);
  return realm;
}

/** Fills an empty realm with QBO's built-in records (called again after a reset). */
export function populateCompany(_realm: Realm): void {
  // Preferences, CompanyInfo, the chart of accounts and tax codes are added with those entities.
}
