import type { EmulatorSeed } from "../seed.js";

/**
 * The demo company's QBO side: what a bookkeeper typed into QBO by hand before any app synced, so
 * a first sync meets every failure of the seed articles — a hand-made parent customer (6240 when
 * the app pushes it), near-duplicate names to match, an inactive customer and an inactive item
 * (610), a vendor holding a customer's name, an invoice in the closed period (6210), and custom
 * transaction numbers on, so a 25-character DocNumber from the app is refused (2050).
 * Plain JSON, so it can also be written to a file and loaded with `loadSeedFile`.
 */
export const demoCompanySeed: EmulatorSeed = {
  realms: [
    {
      closingDate: "2025-12-31",
      preferences: { SalesFormsPrefs: { CustomTxnNumbers: true, AllowDiscount: true } },
      entities: {
        Item: [
          { Id: "100", Name: "Labor", Type: "Service", UnitPrice: 95, IncomeAccountRef: { value: "5" } },
          { Id: "101", Name: "Copper Pipe", Type: "NonInventory", UnitPrice: 12.5, Sku: "CP-12" },
          { Id: "102", Name: "Old Valve", Type: "NonInventory", UnitPrice: 30, Active: false },
        ],
        Customer: [
          {
            Id: "200",
            DisplayName: "Big Duplicating Co.",
            CompanyName: "Big Duplicating Co.",
            PrimaryEmailAddr: { Address: "ap@bigdup.example" },
            Notes: "Typed into QBO by hand before the app was connected",
          },
          {
            Id: "201",
            DisplayName: "Acme Plumbing Inc",
            CompanyName: "Acme Plumbing Inc",
            PrimaryPhone: { FreeFormNumber: "(555) 010-2000" },
          },
          {
            Id: "202",
            DisplayName: "O'Brien's Plumbing",
            PrimaryEmailAddr: { Address: "office@obrien.example" },
          },
          { Id: "203", DisplayName: "Smith, John", GivenName: "John", FamilyName: "Smith" },
          { Id: "204", DisplayName: "Harbor Dental", Active: false },
          { Id: "205", DisplayName: "Maple Street Apartments", CompanyName: "Maple Street Property Mgmt" },
          { Id: "206", DisplayName: "Unit 4B", ParentRef: { value: "205" } },
        ],
        Vendor: [{ Id: "300", DisplayName: "Rivera Landscaping", CompanyName: "Rivera Landscaping LLC" }],
        Employee: [{ Id: "400", GivenName: "Dana", FamilyName: "Lee" }],
        Invoice: [
          {
            Id: "500",
            DocNumber: "1001",
            TxnDate: "2025-12-15",
            CustomerRef: { value: "200" },
            Line: [
              {
                DetailType: "SalesItemLineDetail",
                SalesItemLineDetail: { ItemRef: { value: "100" }, Qty: 2, UnitPrice: 95 },
              },
            ],
          },
          {
            Id: "501",
            DocNumber: "1002",
            TxnDate: "2026-01-10",
            CustomerRef: { value: "201" },
            Line: [
              {
                DetailType: "SalesItemLineDetail",
                SalesItemLineDetail: { ItemRef: { value: "101" }, Qty: 10, UnitPrice: 12.5 },
              },
            ],
          },
        ],
        Payment: [
          {
            Id: "600",
            TxnDate: "2026-01-20",
            CustomerRef: { value: "201" },
            TotalAmt: 50,
            Line: [{ Amount: 50, LinkedTxn: [{ TxnId: "501", TxnType: "Invoice" }] }],
          },
        ],
      },
    },
  ],
};
