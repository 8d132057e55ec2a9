import type { EmulatorClock } from "./clock.js";
import { defaultCompanyInfo } from "./entities/company-info.js";
import type { EntityName, QboObject } from "./entities/entity-def.js";
import { defaultPreferences } from "./entities/preferences.js";
import { entityDefOf } from "./entities/registry.js";
import { Realm, type ChangeEvent, type RealmSettings } from "./realm.js";
import { writeEntity } from "./write-entity.js";

/** A new company with what QBO creates for every company. */
export function createCompany(
  id: string,
  clock: EmulatorClock,
  settings: Partial<RealmSettings>,
  onChange: (event: ChangeEvent) => void,
  random: () => number,
): Realm {
  const realm = new Realm(
    id,
    clock,
    {
      companyName: settings.companyName ?? `Emulated Company ${id}`,
      utcOffsetMinutes: settings.utcOffsetMinutes ?? -480,
    },
    onChange,
    random,
  );
  populateCompany(realm);
  return realm;
}

/** The chart of accounts a new US company starts with (the ones sales, payments and items need). */
export const STARTER_ACCOUNTS: readonly QboObject[] = [
  {
    Name: "Accounts Receivable (A/R)",
    AccountType: "Accounts Receivable",
    AccountSubType: "AccountsReceivable",
  },
  { Name: "Undeposited Funds", AccountType: "Other Current Asset", AccountSubType: "UndepositedFunds" },
  { Name: "Checking", AccountType: "Bank", AccountSubType: "Checking" },
  { Name: "Inventory Asset", AccountType: "Other Current Asset", AccountSubType: "Inventory" },
  { Name: "Services", AccountType: "Income", AccountSubType: "ServiceFeeIncome" },
  { Name: "Sales of Product Income", AccountType: "Income", AccountSubType: "SalesOfProductIncome" },
  { Name: "Cost of Goods Sold", AccountType: "Cost of Goods Sold", AccountSubType: "SuppliesMaterialsCogs" },
  { Name: "Accounts Payable (A/P)", AccountType: "Accounts Payable", AccountSubType: "AccountsPayable" },
];

/** QBO's built-in records, created quietly (no change events). Called again after a reset. */
export function populateCompany(realm: Realm): void {
  realm.quietly(() => populate(realm));
}

function populate(realm: Realm): void {
  const now = realm.timestamp();
  const put = (entity: EntityName, id: string, record: QboObject): void => {
    realm.allocateId(entity, id);
    realm.table(entity).set(id, {
      ...record,
      Id: id,
      SyncToken: "0",
      domain: "QBO",
      sparse: false,
      MetaData: { CreateTime: now, LastUpdatedTime: now },
    });
  };
  put("Preferences", "1", defaultPreferences());
  put("CompanyInfo", "1", defaultCompanyInfo(realm.settings.companyName, realm.today()));
  put("TaxCode", "TAX", { Name: "TAX", Description: "Taxable", Active: true, Taxable: true, TaxGroup: true });
  put("TaxCode", "NON", {
    Name: "NON",
    Description: "Non-Taxable",
    Active: true,
    Taxable: false,
    TaxGroup: false,
  });
  const ctx = { realm, allowDuplicateDocNum: false };
  for (const account of STARTER_ACCOUNTS) writeEntity(ctx, entityDefOf("Account"), "create", { ...account });
  const services = [...realm.table("Account").values()].find((a) => a["Name"] === "Services")!;
  writeEntity(ctx, entityDefOf("Item"), "create", {
    Name: "Services",
    Type: "Service",
    IncomeAccountRef: { value: services["Id"] },
  });
}
