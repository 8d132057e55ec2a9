import { faults } from "../fault.js";
import type { Realm } from "../realm.js";
import type { EntityDef, QboObject } from "./entity-def.js";
import { checkLength, checkNameChars, normalizeKey, refValue, requireString } from "./field-rules.js";

/** AccountType → Classification, as QBO derives it. */
export const ACCOUNT_CLASSIFICATION: Readonly<Record<string, string>> = {
  Bank: "Asset",
  "Other Current Asset": "Asset",
  "Fixed Asset": "Asset",
  "Other Asset": "Asset",
  "Accounts Receivable": "Asset",
  Equity: "Equity",
  Expense: "Expense",
  "Other Expense": "Expense",
  "Cost of Goods Sold": "Expense",
  "Accounts Payable": "Liability",
  "Credit Card": "Liability",
  "Long Term Liability": "Liability",
  "Other Current Liability": "Liability",
  Income: "Revenue",
  "Other Income": "Revenue",
};

function accountPath(realm: Realm, record: QboObject): string[] {
  const parts = [String(record["Name"])];
  let parentId = refValue(record, "ParentRef");
  for (let depth = 0; parentId !== undefined && depth < 6; depth++) {
    const parent = realm.table("Account").get(parentId);
    if (!parent) break;
    parts.unshift(String(parent["Name"]));
    parentId = refValue(parent, "ParentRef");
  }
  return parts;
}

export const accountDef: EntityDef = {
  name: "Account",
  kind: "name",
  computedFields: ["FullyQualifiedName"],
  keepOnFullUpdate: ["CurrentBalance", "CurrentBalanceWithSubAccounts"],
  unique: [
    {
      // Account names are unique among siblings (the same name may sit under two parents).
      scope: "account-name",
      key: (r) => `${refValue(r, "ParentRef") ?? ""}:${normalizeKey(String(r["Name"]))}`,
      fault: (_r, holder) => faults.duplicateItemName("account", holder.id),
    },
  ],
  prepare({ realm }, candidate) {
    const name = requireString(candidate, "Name");
    candidate["Name"] = name.trim();
    checkNameChars(candidate, "Name", /"/);
    checkLength(candidate, "Name", 100);
    checkLength(candidate, "AcctNum", 20);
    checkLength(candidate, "Description", 100);
    const type = requireString(candidate, "AccountType");
    const classification = ACCOUNT_CLASSIFICATION[type];
    if (classification === undefined)
      throw faults.invalidEnum("AccountType", type, Object.keys(ACCOUNT_CLASSIFICATION));
    candidate["Classification"] = classification;
    const parentId = refValue(candidate, "ParentRef");
    if (parentId !== undefined) {
      const parent = realm.table("Account").get(parentId);
      if (!parent) throw faults.objectNotFound(`ParentRef: Account Id=${parentId} does not exist`);
      if (parent["Classification"] !== classification)
        throw faults.businessRule(
          "A sub-account must have the same classification as its parent",
          "ParentRef",
        );
      candidate["SubAccount"] = true;
    } else {
      candidate["SubAccount"] = false;
      delete candidate["ParentRef"];
    }
    if (candidate["Active"] === undefined) candidate["Active"] = true;
    candidate["CurrentBalance"] ??= 0;
    candidate["CurrentBalanceWithSubAccounts"] ??= 0;
    candidate["CurrencyRef"] ??= { value: "USD", name: "United States Dollar" };
  },
  render: (realm, record) => ({ ...record, FullyQualifiedName: accountPath(realm, record).join(":") }),
};
