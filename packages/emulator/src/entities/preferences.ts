import { faults } from "../fault.js";
import type { EntityDef, QboObject } from "./entity-def.js";

/** Whether the company types its own invoice numbers (else QBO numbers sales forms itself). */
export function customTxnNumbers(prefs: QboObject | undefined): boolean {
  const sales = prefs?.["SalesFormsPrefs"] as { CustomTxnNumbers?: unknown } | undefined;
  return sales?.CustomTxnNumbers === true;
}

export const preferencesDef: EntityDef = {
  name: "Preferences",
  kind: "singleton",
  prepare(_ctx, candidate) {
    const sales = candidate["SalesFormsPrefs"];
    if (sales !== undefined && (sales === null || typeof sales !== "object"))
      throw faults.malformedRequest("Property SalesFormsPrefs must be an object");
    const custom = (sales as { CustomTxnNumbers?: unknown } | undefined)?.CustomTxnNumbers;
    if (custom !== undefined && typeof custom !== "boolean")
      throw faults.malformedRequest("Property SalesFormsPrefs.CustomTxnNumbers must be true or false");
  },
  // QBO shows the company's closing date as AccountingInfoPrefs.BookCloseDate.
  render(realm, record) {
    if (realm.closingDate === undefined) return record;
    const accounting = (record["AccountingInfoPrefs"] ?? {}) as QboObject;
    return { ...record, AccountingInfoPrefs: { ...accounting, BookCloseDate: realm.closingDate } };
  },
};

export function defaultPreferences(): QboObject {
  return {
    AccountingInfoPrefs: {
      TrackDepartments: false,
      ClassTrackingPerTxn: false,
      CustomerTerminology: "Customers",
    },
    SalesFormsPrefs: {
      CustomTxnNumbers: false,
      AllowDiscount: true,
      AllowDeposit: false,
      DefaultTerms: undefined,
    },
    CurrencyPrefs: { MultiCurrencyEnabled: false, HomeCurrency: { value: "USD" } },
    TaxPrefs: { UsingSalesTax: false },
  };
}
