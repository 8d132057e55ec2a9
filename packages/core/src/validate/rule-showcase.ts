import type { RecordSet } from "../records/record-set.js";
import type { QboSnapshot } from "./qbo-snapshot.js";

/**
 * A small QBO company with the situations of the seed articles: a parent customer typed in by hand,
 * an inactive customer (QBO shows it as "... (deleted)"), a supplier and an employee holding names,
 * an inactive item and account, a hidden sub-account, an inactive tax code, closed books, existing
 * invoice and credit memo numbers, and a payment recorded by another integration.
 */
export function showcaseSnapshot(): QboSnapshot {
  return {
    customers: [
      { id: "1", displayName: "Harbor Dental", active: true, level: 0 },
      { id: "2", displayName: "Old Client (deleted)", active: false, level: 0 },
      { id: "3", displayName: "Acme Corp", active: true, level: 0 },
      { id: "4", displayName: "Dormant Ltd", active: false, level: 0 },
      { id: "5", displayName: "Deep L1", active: true, level: 1, parentId: "3" },
    ],
    vendors: [{ id: "40", displayName: "Northwind Supply", active: true }],
    employees: [{ id: "41", displayName: "Dana Smith", active: false }],
    items: [
      { id: "10", name: "Labor", sku: "LAB-1", type: "Service", active: true, incomeAccountId: "20" },
      { id: "11", name: "Old Widget", sku: "OW-1", type: "Inventory", active: false, incomeAccountId: "21" },
      { id: "12", name: "Gadget", sku: "G-1", type: "NonInventory", active: true, incomeAccountId: "21" },
    ],
    accounts: [
      {
        id: "20",
        name: "Services",
        fullyQualifiedName: "Income:Services",
        accountType: "Income",
        active: true,
      },
      { id: "21", name: "Sales", fullyQualifiedName: "Sales", accountType: "Income", active: true },
      {
        id: "22",
        name: "Old Income",
        fullyQualifiedName: "Old Income",
        accountType: "Income",
        active: false,
      },
      {
        id: "30",
        name: "Accounts Receivable (A/R)",
        fullyQualifiedName: "Accounts Receivable (A/R)",
        accountType: "Accounts Receivable",
        active: true,
      },
    ],
    taxCodes: [
      { id: "2", name: "TAX", active: true },
      { id: "3", name: "NON", active: true },
      { id: "4", name: "OLDTAX", active: false },
    ],
    preferences: { customTxnNumbers: true },
    closingDate: "2024-12-31",
    documents: [
      {
        type: "Invoice",
        id: "500",
        docNumber: "1001",
        customerId: "3",
        total: 10000,
        txnDate: "2025-01-10",
        balance: 4000,
      },
      {
        type: "CreditMemo",
        id: "501",
        docNumber: "CM-9",
        customerId: "3",
        total: 1500,
        txnDate: "2025-01-12",
      },
      {
        type: "Invoice",
        id: "502",
        docNumber: "2002",
        customerId: "1",
        total: 5000,
        txnDate: "2025-02-01",
        balance: 5000,
      },
    ],
    payments: [{ id: "600", customerId: "3", total: 2500, txnDate: "2025-02-05", reference: "ch_123" }],
  };
}

/**
 * One record (at least) for each validation rule, against `showcaseSnapshot()`. The comments say which
 * rule each record trips. Used by the unit tests and the end-to-end "no QBO fault" test.
 */
export function showcaseRecords(): RecordSet {
  return {
    links: {
      customers: new Map([
        ["acme", "3"],
        ["dormant", "4"],
        ["deep1", "5"],
        ["dormant-parent", "4"],
        ["gone", "999"],
      ]),
      items: new Map([
        ["labor", "10"],
        ["oldwidget", "11"],
      ]),
      invoices: new Map([["paid", "500"]]),
    },
    customers: [
      { id: "acme", displayName: "Acme Corp", active: true },
      { id: "dormant", displayName: "Dormant Ltd", active: true },
      { id: "deep1", parentId: "acme", displayName: "Deep L1", active: true },
      { id: "colon", displayName: "Smith: Kitchen", active: true }, // refused characters
      { id: "curly", displayName: "O\u2019Brien Plumbing", active: true }, // curly quote breaks queries
      { id: "spaces", displayName: "  Jones   Bakery ", active: true }, // spaces
      { id: "long", displayName: "L".repeat(101), active: true }, // DisplayName length (stricter 100)
      { id: "title", displayName: "Dr Who", title: "Doctor of Medicine", active: true }, // Title 16
      { id: "email", displayName: "Mail Co", email: "nobody-at-example", active: true }, // email shape
      { id: "handmade", displayName: "Harbor Dental", active: true }, // QBO customer made by hand (6240)
      { id: "handmade-site", parentId: "handmade", displayName: "Harbor Dental Site 2", active: true }, // waits for parent
      { id: "inactive-name", displayName: "old client", active: true }, // inactive QBO customer's name
      { id: "vendor-name", displayName: "Northwind  Supply", active: true }, // vendor's name (and spaces)
      { id: "employee-name", displayName: "DANA SMITH", active: true }, // inactive employee's name
      { id: "dup-a", displayName: "Twin Co", active: true },
      { id: "dup-b", displayName: "twin co", active: true }, // duplicate inside the app
      { id: "orphan", parentId: "nowhere", displayName: "Orphan Job", active: true }, // parent missing
      { id: "d2", parentId: "deep1", displayName: "Deep L2", active: true },
      { id: "d3", parentId: "d2", displayName: "Deep L3", active: true },
      { id: "d4", parentId: "d3", displayName: "Deep L4", active: true },
      { id: "d5", parentId: "d4", displayName: "Deep L5", active: true }, // depth 5 > 4
      { id: "loop-a", parentId: "loop-b", displayName: "Loop A", active: true }, // cycle
      { id: "loop-b", parentId: "loop-a", displayName: "Loop B", active: true },
      { id: "parent-x", displayName: "Main Street", active: true },
      { id: "child-x", parentId: "parent-x", displayName: "main street", active: true }, // same as parent
      { id: "under-dormant", parentId: "dormant-parent", displayName: "Dormant Site", active: true }, // parent inactive in QBO
      { id: "good", displayName: "Good Customer", givenName: "Gina", familyName: "Good", active: true },
    ],
    items: [
      { id: "labor", name: "Labor", sku: "LAB-1", type: "Service", active: true },
      { id: "oldwidget", name: "Old Widget", sku: "OW-1", type: "Inventory", active: true },
      { id: "gadget", name: "Gadget", sku: "G-1", type: "NonInventory", active: true }, // map by SKU
      { id: "gizmo", name: "Gizmo", type: "Service", active: true }, // no income account
      { id: "hidden-sub", name: "Install", type: "Service", incomeAccount: "Services", active: true }, // sub-account by short name
      { id: "no-account", name: "Repair", type: "Service", incomeAccount: "Consulting", active: true }, // account missing
      { id: "dead-account", name: "Polish", type: "Service", incomeAccount: "Old Income", active: true }, // inactive account
      { id: "item-colon", name: "Pipe: 2in", type: "NonInventory", active: true }, // refused characters in item
      { id: "clash", name: "LABOR", sku: "LAB-9", type: "Service", incomeAccount: "Sales", active: true }, // QBO's Labor has another SKU; also the app's Labor
      { id: "good-item", name: "Valve", type: "Service", incomeAccount: "Sales", active: true },
    ],
    invoices: [
      {
        id: "paid",
        docNumber: "1001",
        customerId: "acme",
        txnDate: "2025-01-10",
        lines: [{ itemId: "labor", qty: "1", unitPrice: "100" }],
      },
      {
        id: "longnum",
        docNumber: "ACME-SERVICES-2025-000123",
        customerId: "good",
        txnDate: "2025-03-01",
        lines: [{ itemId: "labor", qty: "1", unitPrice: "80" }],
      }, // > 21
      {
        id: "dup-inv",
        docNumber: "1001",
        customerId: "good",
        txnDate: "2025-03-01",
        lines: [{ itemId: "labor", qty: "2", unitPrice: "10" }],
      }, // another invoice's number
      {
        id: "dup-cm",
        docNumber: "CM-9",
        customerId: "good",
        txnDate: "2025-03-01",
        lines: [{ itemId: "labor", qty: "1", unitPrice: "15" }],
      }, // a credit memo's number
      {
        id: "same-doc",
        docNumber: "2002",
        customerId: "handmade",
        txnDate: "2025-02-01",
        lines: [{ itemId: "labor", qty: "1", unitPrice: "50" }],
      }, // typed in QBO by hand
      {
        id: "app-dup-1",
        docNumber: "3003",
        customerId: "good",
        txnDate: "2025-03-01",
        lines: [{ itemId: "labor", qty: "1", unitPrice: "1" }],
      },
      {
        id: "app-dup-2",
        docNumber: "3003",
        customerId: "good",
        txnDate: "2025-03-01",
        lines: [{ itemId: "labor", qty: "1", unitPrice: "1" }],
      }, // duplicate in app
      {
        id: "dormant-inv",
        docNumber: "4001",
        customerId: "dormant-only-in-qbo",
        txnDate: "2025-03-01",
        lines: [{ itemId: "labor", qty: "1", unitPrice: "1" }],
      }, // customer missing
      {
        id: "closed",
        docNumber: "4002",
        customerId: "good",
        txnDate: "2024-12-31",
        lines: [{ itemId: "labor", qty: "1", unitPrice: "1" }],
      }, // closed period
      {
        id: "inactive-item",
        docNumber: "4003",
        customerId: "good",
        txnDate: "2025-03-02",
        lines: [{ itemId: "oldwidget", qty: "1", unitPrice: "9.99" }],
      }, // inactive QBO item
      {
        id: "unmapped",
        docNumber: "4004",
        customerId: "good",
        txnDate: "2025-03-02",
        lines: [{ itemId: "ghost", qty: "1", unitPrice: "5" }],
      }, // item not mapped
      {
        id: "noitem",
        docNumber: "4005",
        customerId: "good",
        txnDate: "2025-03-02",
        lines: [{ description: "Call-out", qty: "1", unitPrice: "5" }],
      }, // line without item
      {
        id: "taxes",
        docNumber: "4006",
        customerId: "good",
        txnDate: "2025-03-02",
        lines: [
          { itemId: "labor", qty: "1", unitPrice: "5", taxCode: "OLDTAX" },
          { itemId: "good-item", qty: "1", unitPrice: "5", taxCode: "VAT20" },
        ],
      }, // inactive + missing tax code
      {
        id: "rounding",
        docNumber: "4007",
        customerId: "good",
        txnDate: "2025-03-02",
        lines: [{ itemId: "labor", qty: "3", unitPrice: "0.3333", amount: 99 }],
      }, // rounding cent
      {
        id: "mismatch",
        docNumber: "4008",
        customerId: "good",
        txnDate: "2025-03-02",
        lines: [{ itemId: "labor", qty: "2", unitPrice: "10", amount: 2500 }],
        total: 2500,
      }, // amount ≠ qty × price
      {
        id: "negative",
        docNumber: "4009",
        customerId: "good",
        txnDate: "2025-03-02",
        lines: [{ itemId: "oldwidget", qty: "-2", unitPrice: "5" }],
      }, // negative inventory qty, negative total
      {
        id: "to-dormant",
        docNumber: "4010",
        customerId: "dormant",
        txnDate: "2025-03-02",
        lines: [{ itemId: "labor", qty: "1", unitPrice: "5" }],
      }, // inactive QBO customer
      {
        id: "to-gone",
        docNumber: "4012",
        customerId: "gone",
        txnDate: "2025-03-02",
        lines: [{ itemId: "labor", qty: "1", unitPrice: "5" }],
      }, // linked customer deleted in QBO
      {
        id: "via-gizmo",
        docNumber: "4011",
        customerId: "good",
        txnDate: "2025-03-02",
        lines: [{ itemId: "gizmo", qty: "1", unitPrice: "5" }],
      }, // waits for a blocked item
      {
        id: "good-inv",
        docNumber: "5001",
        customerId: "good",
        txnDate: "2025-03-03",
        lines: [{ itemId: "good-item", qty: "2", unitPrice: "12.50", taxCode: "TAX" }],
      },
    ],
    creditMemos: [
      {
        id: "neg-cm",
        docNumber: "CM-10",
        customerId: "good",
        txnDate: "2025-03-02",
        lines: [{ itemId: "labor", qty: "-1", unitPrice: "5" }],
      }, // negative qty on a credit memo
    ],
    payments: [
      {
        id: "dup-pay",
        customerId: "acme",
        amount: 2500,
        txnDate: "2025-02-05",
        reference: "ch_123",
        appliedTo: [],
      }, // another integration's payment
      {
        id: "over",
        customerId: "acme",
        amount: 5000,
        txnDate: "2025-03-05",
        appliedTo: [{ invoiceId: "paid", amount: 5000 }],
      }, // more than the 40.00 open
      {
        id: "over-total",
        customerId: "good",
        amount: 1000,
        txnDate: "2025-03-05",
        appliedTo: [{ invoiceId: "good-inv", amount: 2000 }],
      }, // applies more than it is
      {
        id: "unsent",
        customerId: "good",
        amount: 100,
        txnDate: "2025-03-05",
        appliedTo: [{ invoiceId: "never-sent", amount: 100 }],
      }, // invoice not synced
      {
        id: "wrong-customer",
        customerId: "good",
        amount: 100,
        txnDate: "2025-03-05",
        appliedTo: [{ invoiceId: "paid", amount: 100 }],
      }, // someone else's invoice
      { id: "refund", customerId: "good", amount: -100, txnDate: "2025-03-05", appliedTo: [] }, // negative amount
      {
        id: "good-pay",
        customerId: "good",
        amount: 2500,
        txnDate: "2025-03-05",
        reference: "chk 1",
        appliedTo: [{ invoiceId: "good-inv", amount: 2500 }],
      },
    ],
  };
}
