/**
 * The QBO rules pre-flight validation enforces, each with where it comes from. Limits marked
 * "QBO-API.md" are the project's collected facts; the others come from Intuit's API reference and
 * are noted as such so they can be checked against the emulator and corrected in one place.
 */
export interface QboRule {
  /** Stable id, used by tests, the Errors view and overrides. */
  id: string;
  /** The rule, in one sentence. */
  text: string;
  /** Where the rule comes from, and the QBO error code it prevents when there is one. */
  source: string;
}

const doc = "QBO-API.md";
const ref = "Intuit API reference";

export const qboLimits = {
  displayName: 500,
  givenName: 100,
  middleName: 100,
  familyName: 100,
  title: 16,
  suffix: 16,
  companyName: 100,
  notes: 2000,
  email: 100,
  phone: 30,
  addressLine: 500,
  city: 255,
  region: 255,
  postalCode: 30,
  country: 255,
  itemName: 100,
  sku: 100,
  itemDescription: 4000,
  lineDescription: 4000,
  customerMemo: 1000,
  docNumber: 21,
  paymentReference: 21,
  /** Levels of sub-customers below a top-level customer. */
  subCustomerDepth: 4,
} as const;

const rule = (id: string, text: string, source: string): QboRule => ({ id, text, source });

export const qboRules = {
  refusedCharacters: rule(
    "name.refused-characters",
    "Names may not contain a colon, tab or line break; curly quotes and invisible characters break QBO queries.",
    `${doc} (Customer/Item field rules, error 2040; curly quotes: query lexical error)`,
  ),
  spaces: rule(
    "name.spaces",
    "Names are compared after QBO trims them: leading, trailing or doubled spaces make a name that no longer matches.",
    `${doc} (DisplayName compared case- and whitespace-insensitively)`,
  ),
  length: rule("field.length", "Each text field has a maximum length.", `${doc} (error 2050) and ${ref}`),
  email: rule(
    "customer.email",
    "An email address must contain '@' and '.'.",
    `${doc} (Customer field rules)`,
  ),
  displayNameInQbo: rule(
    "customer.display-name-taken",
    "DisplayName must be unique across all customers, vendors and employees, active or inactive.",
    `${doc} (error 6240 Duplicate Name Exists)`,
  ),
  displayNameInApp: rule(
    "customer.display-name-duplicate-in-app",
    "Two of the app's customers would get the same DisplayName; QBO accepts only the first.",
    `${doc} (error 6240 Duplicate Name Exists)`,
  ),
  parentMissing: rule(
    "customer.parent-missing",
    "A sub-customer's ParentRef must point at a customer that exists in QBO (created first).",
    `${doc} (Sub-customer rules; error 2500 Invalid Reference Id)`,
  ),
  parentInactive: rule(
    "customer.parent-inactive",
    "A sub-customer's parent must be active in QBO.",
    `${doc} (error 610 Object Not Found for inactive references)`,
  ),
  parentCycle: rule(
    "customer.parent-cycle",
    "A customer cannot be its own ancestor.",
    `${doc} (Sub-customer rules)`,
  ),
  depth: rule(
    "customer.depth",
    "Sub-customers can be at most 4 levels below a top-level customer.",
    `${doc} (Sub-customer rules)`,
  ),
  itemNameInQbo: rule(
    "item.name-taken",
    "Item names are unique in QBO (active or inactive).",
    `${doc} (Item field rules; error 6240)`,
  ),
  itemNameInApp: rule(
    "item.name-duplicate-in-app",
    "Two of the app's items would get the same name; QBO accepts only the first.",
    `${doc} (Item field rules; error 6240)`,
  ),
  itemMapping: rule(
    "item.mapping",
    "Every invoice line needs an item that exists in QBO; an app item must be linked to its QBO twin.",
    `${doc} (SalesItemLineDetail.ItemRef; error 2500) and seed 002 (missing mapping)`,
  ),
  incomeAccount: rule(
    "item.income-account",
    "Service and Inventory items need an income account that exists in QBO, by its full name.",
    `${doc} (Item: IncomeAccountRef required) and seed 002 ("Income Account could not be found")`,
  ),
  inactiveReference: rule(
    "reference.inactive",
    "A transaction may only refer to active customers, items and accounts.",
    `${doc} (error 610 Object Not Found, also for inactive references)`,
  ),
  missingReference: rule(
    "reference.missing",
    "A transaction may only refer to records that exist in QBO.",
    `${doc} (error 610 Object Not Found / 2500 Invalid Reference Id)`,
  ),
  taxCode: rule(
    "reference.tax-code",
    "A line's TaxCodeRef must name an active QBO tax code (tax codes are read-only through the API).",
    `${ref} (TaxCode is read-only; error 2500)`,
  ),
  arAccount: rule(
    "company.ar-account",
    "Invoices, credit memos and payments post to Accounts Receivable, which must exist and be active.",
    `seed 002 ("Accounts Receivable/Payable account not found")`,
  ),
  docNumberLength: rule(
    "document.docnumber-length",
    "DocNumber is at most 21 characters.",
    `${doc} (error 2050 "Min:0 Max:21")`,
  ),
  docNumberInQbo: rule(
    "document.docnumber-taken",
    "A DocNumber may be used by only one invoice or credit memo.",
    `${doc} (error 6140 Duplicate Document Number) and seed 002 (invoice vs credit memo)`,
  ),
  docNumberInApp: rule(
    "document.docnumber-duplicate-in-app",
    "Two of the app's invoices or credit memos use the same DocNumber.",
    `${doc} (error 6140 Duplicate Document Number)`,
  ),
  numberingMode: rule(
    "document.numbering-mode",
    "With custom transaction numbers off, QBO numbers sales forms itself and ignores the app's number.",
    `${doc} (Preferences.SalesFormsPrefs.CustomTxnNumbers)`,
  ),
  closedPeriod: rule(
    "document.closed-period",
    "Transactions dated on or before the company's closing date are refused.",
    `${doc} (error 6210 Account Period Closed)`,
  ),
  lineAmount: rule(
    "document.line-amount",
    "A line's Amount must equal Qty × UnitPrice rounded to the cent.",
    `${ref} (SalesItemLine: "Amount is not equal to UnitPrice * Qty", business validation 6000)`,
  ),
  documentTotal: rule(
    "document.total",
    "QBO computes TotalAmt from the lines; the app's own total should agree.",
    `${doc} (QBO computes TotalAmt)`,
  ),
  negativeTotal: rule(
    "document.negative-total",
    "An invoice or credit memo total cannot be negative (a negative invoice is a credit memo).",
    `${ref} (business validation 6000)`,
  ),
  negativeQuantity: rule(
    "document.negative-quantity",
    "A negative quantity of an Inventory item belongs on a credit memo, not an invoice; on a credit memo quantities are positive.",
    `${ref} (business validation 6000; M confidence)`,
  ),
  paymentApplication: rule(
    "payment.application",
    "A payment can be applied only to an invoice of the same customer that exists in QBO, up to its open balance, and in total up to the payment's amount.",
    `${doc} (Payment LinkedTxn) and ${ref} (business validation 6000)`,
  ),
  paymentAmount: rule(
    "payment.amount",
    "A payment's amount cannot be negative.",
    `${ref} (Payment.TotalAmt)`,
  ),
  duplicatePayment: rule(
    "payment.duplicate",
    "A payment already recorded in QBO (same customer, amount, date and reference), e.g. by another integration, must not be recorded again.",
    "seed 002 (redundant integrations create duplicate payments)",
  ),
  dependency: rule(
    "dependency.blocked",
    "A record is sent only after the records it refers to (parent, customer, item, invoice) were sent.",
    `${doc} (batch items are independent: a record can't refer to one not yet created)`,
  ),
} as const satisfies Record<string, QboRule>;
