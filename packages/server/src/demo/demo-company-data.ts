import { seededRandom } from "@ledgerlink/core";

/**
 * The app side of the demo company: a field-service business (plumbing, heating, electrical) with
 * about 300 customers, their sites as sub-customers, 40 items, 2,000 invoices and the payments
 * against them, as its own app would send them through the JSON API. Generated from a seed number,
 * so every machine gets the same company.
 *
 * Most records sync cleanly. A few are the seed articles' problems, paired with the QBO half of the
 * company (the emulator's `demoCompanySeed`): the parent typed into QBO by hand (1042, seed 000),
 * the app's customers QBO holds under another spelling (1050–1054, 1059–1061, seed 001), names held
 * by a different customer, a vendor or an employee (1056–1058), an inactive customer and item,
 * invoice numbers QBO already uses (1002, 20101, 20417), Service items without an income account,
 * invalid characters and lengths, invoices in the closed period (on or before 2025-12-31), and a
 * payment another integration already recorded (ch_1002).
 */
export interface DemoCompanyData {
  customers: DemoCustomer[];
  items: DemoItem[];
  invoices: DemoInvoice[];
  payments: DemoPayment[];
}

export interface DemoAddress {
  line1: string;
  city: string;
  region: string;
  postalCode: string;
}

export interface DemoCustomer {
  id: string;
  parentId?: string;
  displayName: string;
  companyName?: string;
  givenName?: string;
  familyName?: string;
  email?: string;
  phone?: string;
  billingAddress?: DemoAddress;
  active: boolean;
}

export interface DemoItem {
  id: string;
  name: string;
  sku?: string;
  type: "Service" | "NonInventory";
  unitPrice: string;
  incomeAccount?: string;
  active: boolean;
}

export interface DemoLine {
  itemId: string;
  qty: string;
  unitPrice: string;
  description?: string;
}

export interface DemoInvoice {
  id: string;
  docNumber: string;
  customerId: string;
  txnDate: string;
  dueDate: string;
  lines: DemoLine[];
}

export interface DemoPayment {
  id: string;
  customerId: string;
  amount: string;
  txnDate: string;
  reference: string;
  appliedTo: { invoiceId: string; amount: string }[];
}

/** The seed number `npm start` uses. */
export const demoSeed = 14;

export const demoSizes = { customers: 300, items: 40, invoices: 2000 } as const;

/** The QBO company's closing date in `demoCompanySeed` (books closed through 2025). */
export const demoClosingDate = "2025-12-31";

const cities: readonly [string, string, string][] = [
  ["Springfield", "IL", "627"],
  ["Peoria", "IL", "616"],
  ["Champaign", "IL", "618"],
  ["Bloomington", "IL", "617"],
  ["Decatur", "IL", "625"],
];
const streets = [
  "Elm",
  "Oak",
  "Maple",
  "Cedar",
  "Pine",
  "Walnut",
  "Chestnut",
  "Lincoln",
  "Washington",
  "Lake",
  "Hill",
  "Park",
  "Sunset",
  "River",
  "Meadow",
  "Church",
  "Mill",
  "Spring",
  "Ridge",
  "Cherry",
] as const;
const streetKinds = ["St", "Ave", "Rd", "Ln", "Dr", "Ct"] as const;
const givenNames = [
  "Maria",
  "James",
  "Linda",
  "Robert",
  "Patricia",
  "Michael",
  "Jennifer",
  "David",
  "Elizabeth",
  "William",
  "Susan",
  "Richard",
  "Karen",
  "Joseph",
  "Nancy",
  "Thomas",
  "Lisa",
  "Carlos",
  "Aisha",
  "Wei",
  "Priya",
  "Omar",
  "Greta",
  "Tomasz",
  "Ngozi",
  "Hiroshi",
  "Sofia",
  "Liam",
  "Chloe",
  "Mateo",
] as const;
const familyNames = [
  "Garcia",
  "Johnson",
  "Nguyen",
  "Patel",
  "Kowalski",
  "Okafor",
  "Schmidt",
  "Rossi",
  "Tanaka",
  "Haddad",
  "Murphy",
  "Larsen",
  "Moreau",
  "Silva",
  "Cohen",
  "Fischer",
  "Ivanova",
  "Brennan",
  "Delgado",
  "Whitfield",
  "Abernathy",
  "Castillo",
  "Lindgren",
  "Osei",
  "Park",
  "Romero",
] as const;
const businessFirst = [
  "Prairie",
  "Lakeside",
  "Summit",
  "Heritage",
  "Bluestem",
  "Riverbend",
  "Capitol",
  "Redbird",
  "Cornerstone",
  "Northgate",
  "Willow",
  "Ironwood",
  "Crestview",
  "Golden",
  "Harvest",
  "Parkway",
] as const;
const businessKind = [
  "Dental",
  "Veterinary Clinic",
  "Apartments",
  "Property Management",
  "Auto Repair",
  "Bakery",
  "Family Medicine",
  "Fitness",
  "Realty",
  "Church",
  "Brewing Co",
  "Middle School",
  "Diner",
  "Animal Hospital",
  "Storage",
  "Laundromat",
  "Motel",
  "Hardware",
] as const;

/** 25 services and parts a plumbing, heating and electrical contractor bills (plus the specials). */
const catalog: readonly [string, "Service" | "NonInventory", string][] = [
  ["Drain Cleaning", "Service", "145.00"],
  ["Water Heater Install", "Service", "450.00"],
  ["Furnace Tune-Up", "Service", "129.00"],
  ["AC Tune-Up", "Service", "129.00"],
  ["Emergency Call-Out", "Service", "195.00"],
  ["Panel Upgrade", "Service", "1250.00"],
  ["Outlet Install", "Service", "85.00"],
  ["Sump Pump Install", "Service", "380.00"],
  ["Backflow Test", "Service", "95.00"],
  ["Camera Inspection", "Service", "225.00"],
  ["Thermostat Install", "Service", "110.00"],
  ["Duct Cleaning", "Service", "300.00"],
  ["Gas Line Repair", "Service", "260.00"],
  ["Maintenance Plan", "Service", "199.00"],
  ["Faucet Cartridge", "NonInventory", "24.50"],
  ["PEX Tubing 10 ft", "NonInventory", "18.75"],
  ["Furnace Filter", "NonInventory", "12.99"],
  ["Smart Thermostat", "NonInventory", "189.00"],
  ["GFCI Outlet", "NonInventory", "21.40"],
  ["Circuit Breaker 20A", "NonInventory", "14.25"],
  ["Sump Pump 1/3 HP", "NonInventory", "165.00"],
  ["Wax Ring", "NonInventory", "6.50"],
  ["Ball Valve 3/4 in", "NonInventory", "16.80"],
  ["Expansion Tank", "NonInventory", "58.00"],
  ["Condensate Pump", "NonInventory", "72.00"],
  ["Refrigerant R-410A lb", "NonInventory", "45.00"],
  ["Trip Charge", "Service", "49.00"],
  ["Permit Fee", "Service", "75.00"],
  ["Disposal Fee", "Service", "35.00"],
  ["Weekend Surcharge", "Service", "60.00"],
];

/** Customers the QBO half already knows, or collides with: fixed ids the scenarios and docs name. */
function specialCustomers(): DemoCustomer[] {
  const springfield = (line1: string, postalCode: string): DemoAddress => ({
    line1,
    city: "Springfield",
    region: "IL",
    postalCode,
  });
  return [
    // Seed 000: the office typed this parent into QBO by hand (QBO 200); the app syncs it and its sites.
    {
      id: "1042",
      displayName: "Big Duplicating Co.",
      companyName: "Big Duplicating Co.",
      email: "accounts@bigdup.example",
      phone: "555-201-7788",
      billingAddress: springfield("400 Main St", "62701"),
      active: true,
    },
    { id: "1043", parentId: "1042", displayName: "12 Elm St", active: true },
    { id: "1044", parentId: "1042", displayName: "400 Main St Annex", active: true },
    // Seed 001: QBO has these under another spelling.
    {
      id: "1050",
      displayName: "Acme Plumbing, Inc.",
      companyName: "Acme Plumbing, Inc.",
      phone: "555-010-2000",
      active: true,
    },
    { id: "1051", displayName: "O'Brien's  Plumbing", email: "office@obrien.example", active: true },
    { id: "1052", displayName: "John Smith", givenName: "John", familyName: "Smith", active: true },
    // Typed into QBO, then made inactive there (QBO shows it as "Harbor Dental (deleted)").
    { id: "1053", displayName: "Harbor Dental", email: "front@harbordental.example", active: true },
    {
      id: "1054",
      displayName: "Maple Street Apartments",
      companyName: "Maple Street Property Mgmt",
      active: true,
    },
    { id: "1055", parentId: "1054", displayName: "Unit 4B", active: true },
    // Names QBO gives to a vendor, an employee and a different business.
    { id: "1056", displayName: "Rivera Landscaping", phone: "555-030-1180", active: true },
    { id: "1057", displayName: "Dana Lee", givenName: "Dana", familyName: "Lee", active: true },
    {
      id: "1058",
      displayName: "Smith Plumbing",
      email: "hello@smithplumbing-il.example",
      billingAddress: springfield("88 Alder St", "62702"),
      active: true,
    },
    {
      id: "1059",
      displayName: "Baker & Sons Heating",
      phone: "555-014-3300",
      email: "billing@bakersons.example",
      active: true,
    },
    {
      id: "1060",
      displayName: "RT Hughes Electric",
      email: "rt@hughes-electric.example",
      phone: "(555) 017-4410",
      active: true,
    },
    {
      id: "1061",
      displayName: "Greenleaf Property Management",
      companyName: "Greenleaf Property Management",
      billingAddress: springfield("220 Oak Ave", "62704"),
      phone: "555-019-7700",
      active: true,
    },
    { id: "1062", displayName: "Coastal Bakery", active: true },
    // Invalid characters and lengths (seed 002): a colon QBO refuses, a curly quote, a 105-character name.
    {
      id: "1063",
      displayName: "Nguyen: Kitchen Remodel",
      givenName: "Linh",
      familyName: "Nguyen",
      active: true,
    },
    { id: "1064", displayName: "O\u2019Malley Roofing", active: true },
    {
      id: "1065",
      displayName:
        "Prairie Township Consolidated School District No. 14 Facilities and Grounds Maintenance Department",
      active: true,
    },
  ];
}

function specialItems(): DemoItem[] {
  return [
    // Already in QBO by these names (linked on the first sync).
    {
      id: "labor",
      name: "Labor",
      type: "Service",
      unitPrice: "95.00",
      incomeAccount: "Services",
      active: true,
    },
    {
      id: "copper-pipe",
      name: "Copper Pipe",
      sku: "CP-12",
      type: "NonInventory",
      unitPrice: "12.50",
      active: true,
    },
    {
      id: "service-call",
      name: "Service Call",
      type: "Service",
      unitPrice: "89.00",
      incomeAccount: "Services",
      active: true,
    },
    // Inactive in QBO, still sold in the app.
    { id: "old-valve", name: "Old Valve", type: "NonInventory", unitPrice: "30.00", active: true },
    // Service items the app keeps without an income account (seed 002: mapping).
    { id: "inspection", name: "Annual Inspection", type: "Service", unitPrice: "149.00", active: true },
    { id: "warranty", name: "Extended Warranty", type: "Service", unitPrice: "249.00", active: true },
    // One whose account the app names without its parent (QBO knows it as plain "Services" here: fine).
    {
      id: "after-hours",
      name: "After-Hours Labor",
      type: "Service",
      unitPrice: "142.50",
      incomeAccount: "Services",
      active: true,
    },
    // Tab in a name: QBO refuses it (2040).
    { id: "hose-bib", name: "Hose Bib\tFrost-Free", type: "NonInventory", unitPrice: "27.00", active: true },
    { id: "misc-parts", name: "Misc Parts", type: "NonInventory", unitPrice: "1.00", active: true },
    {
      id: "diagnostic",
      name: "Diagnostic Fee",
      type: "Service",
      unitPrice: "79.00",
      incomeAccount: "Services",
      active: true,
    },
  ];
}

const pad = (n: number, width: number): string => String(n).padStart(width, "0");
const money = (cents: number): string => `${Math.floor(cents / 100)}.${pad(cents % 100, 2)}`;
const cents = (decimal: string): number => {
  const [whole, frac = ""] = decimal.split(".");
  return Number(whole) * 100 + Number(frac.padEnd(2, "0").slice(0, 2));
};

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The demo company's records, the same for the same seed on every machine. */
export function demoCompanyData(seed: number = demoSeed): DemoCompanyData {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));

  const customers = specialCustomers();
  const names = new Set(customers.map((c) => c.displayName.toLowerCase()));
  // Every QBO name of the seed is avoided by the generated ones (only the specials collide, on purpose).
  for (const taken of ["cash customer", "pine ridge hoa", "northwind supply", "anna lindqvist"])
    names.add(taken);
  const unique = (make: () => string): string => {
    for (;;) {
      const name = make();
      if (!names.has(name.toLowerCase())) {
        names.add(name.toLowerCase());
        return name;
      }
    }
  };
  const address = (): DemoAddress => {
    const [city, region, zip] = pick(cities);
    return {
      line1: `${int(10, 9899)} ${pick(streets)} ${pick(streetKinds)}`,
      city,
      region,
      postalCode: `${zip}${pad(int(1, 99), 2)}`,
    };
  };

  let nextId = 1100;
  while (customers.filter((c) => c.parentId === undefined).length < demoSizes.customers) {
    const id = String(nextId++);
    const billingAddress = address();
    const phone = `555-${pad(int(100, 999), 3)}-${pad(int(0, 9999), 4)}`;
    if (rnd() < 0.45) {
      const givenName = pick(givenNames);
      const familyName = pick(familyNames);
      const displayName = unique(() => `${givenName} ${familyName}${rnd() < 0.3 ? ` ${int(2, 9)}` : ""}`);
      customers.push({
        id,
        displayName,
        givenName,
        familyName,
        email: `${givenName}.${familyName}${id}@mail.example`.toLowerCase(),
        phone,
        billingAddress,
        active: true,
      });
      continue;
    }
    const displayName = unique(() => `${pick(businessFirst)} ${pick(businessKind)}`);
    customers.push({
      id,
      displayName,
      companyName: displayName,
      email: `ap${id}@${displayName.toLowerCase().replace(/[^a-z]+/g, "")}.example`,
      phone,
      billingAddress,
      active: true,
    });
    // Businesses have one to three service sites, each a sub-customer named by its address.
    for (let s = 0, n = int(0, 3); s < n; s++) {
      const site = address();
      customers.push({
        id: `${id}-${s + 1}`,
        parentId: id,
        displayName: unique(() => `${int(10, 9899)} ${pick(streets)} ${pick(streetKinds)}, ${site.city}`),
        billingAddress: site,
        active: true,
      });
    }
  }

  const items = specialItems();
  for (const [name, type, unitPrice] of catalog) {
    if (items.length >= demoSizes.items) break;
    const id = name.toLowerCase().replace(/[^a-z0-9]+/g, "-");
    items.push({
      id,
      name,
      sku: `${type === "Service" ? "S" : "P"}-${pad(items.length, 3)}`,
      type,
      unitPrice,
      ...(type === "Service" ? { incomeAccount: "Services" } : {}),
      active: true,
    });
  }
  const clean = items.filter((i) => !["old-valve", "inspection", "warranty", "hose-bib"].includes(i.id));

  // Invoices go to sites where a business has them, else to the customer itself.
  const billable = customers.filter(
    (c) => !customers.some((k) => k.parentId === c.id) && Number(c.id.split("-")[0]) >= 1100,
  );
  const invoices: DemoInvoice[] = [];
  const line = (item: DemoItem): DemoLine => ({
    itemId: item.id,
    qty: item.type === "Service" ? String(int(1, 3)) : String(int(1, 6)),
    unitPrice: item.unitPrice,
  });
  const invoice = (n: number, customerId: string, txnDate: string, lines: DemoLine[], docNumber?: string) =>
    invoices.push({
      id: `INV-${pad(n, 5)}`,
      docNumber: docNumber ?? String(20000 + n),
      customerId,
      txnDate,
      dueDate: addDays(txnDate, 30),
      lines,
    });
  for (let n = 1; n <= demoSizes.invoices; n++) {
    // Spread over 2026 up to mid-November, the newest last.
    const txnDate = addDays("2026-01-02", Math.floor(((n - 1) * 316) / demoSizes.invoices));
    const lines = Array.from({ length: int(1, 3) }, () => line(pick(clean)));
    invoice(n, pick(billable).id, txnDate, lines);
  }
  // The seed articles' invoices replace a few generated ones, so the count stays 2,000.
  const special = (n: number, customerId: string, txnDate: string, lines: DemoLine[], docNumber?: string) => {
    const at = invoices.findIndex((i) => i.id === `INV-${pad(n, 5)}`);
    invoices.splice(at, 1);
    invoice(n, customerId, txnDate, lines, docNumber);
  };
  const item = (id: string): DemoItem => items.find((i) => i.id === id)!;
  special(1, "1043", "2026-01-05", [line(item("labor")), line(item("copper-pipe"))]);
  // The hand-typed QBO invoice 1002 for Acme (10 × Copper Pipe), and its card payment.
  special(2, "1050", "2026-01-10", [{ itemId: "copper-pipe", qty: "10", unitPrice: "12.50" }], "1002");
  special(3, "1055", "2026-02-11", [line(item("service-call"))]);
  special(4, "1053", "2026-03-04", [line(item("labor"))]);
  special(5, "1056", "2026-03-09", [line(item("labor"))]);
  special(6, "1057", "2026-03-12", [line(item("service-call"))]);
  special(7, "1058", "2026-04-01", [line(item("labor"))]);
  special(8, "1062", "2026-04-15", [line(item("diagnostic"))]);
  special(9, "1063", "2026-04-20", [line(item("labor"))]);
  special(10, "1064", "2026-04-22", [line(item("labor"))]);
  special(11, "1065", "2026-05-01", [line(item("labor"))]);
  special(101, "1059", "2026-02-03", [{ itemId: "service-call", qty: "1", unitPrice: "89.00" }]);
  special(417, "1060", "2026-03-02", [line(item("labor"))]);
  special(12, pick(billable).id, "2026-05-05", [line(item("old-valve"))]);
  special(13, pick(billable).id, "2026-05-06", [line(item("inspection"))]);
  special(14, pick(billable).id, "2026-05-07", [line(item("warranty"))]);
  special(15, pick(billable).id, "2026-05-08", [line(item("hose-bib"))]);
  // A work-order number too long for QBO's 21 characters.
  special(16, pick(billable).id, "2026-05-09", [line(item("labor"))], "WO-2026-000123-REV2-FINAL");
  // Entered late for work done in December: the books for 2025 are closed.
  for (const [n, day] of [
    [17, "2025-12-18"],
    [18, "2025-12-22"],
    [19, "2025-12-30"],
  ] as const)
    special(n, pick(billable).id, day, [line(item("labor"))]);
  invoices.sort((a, b) => a.id.localeCompare(b.id));

  const totals = (inv: DemoInvoice): number =>
    inv.lines.reduce((sum, l) => sum + Math.round(Number(l.qty) * cents(l.unitPrice)), 0);
  const payments: DemoPayment[] = [];
  const acmeInvoice = invoices.find((i) => i.docNumber === "1002")!;
  // Also recorded in QBO by the card processor's integration (QBO payment 600, ch_1002).
  payments.push({
    id: "PAY-00002",
    customerId: "1050",
    amount: "50.00",
    txnDate: "2026-01-20",
    reference: "ch_1002",
    appliedTo: [{ invoiceId: acmeInvoice.id, amount: "50.00" }],
  });
  // Older invoices are mostly paid, in full or in part; the newest are still open.
  for (const inv of invoices) {
    const n = Number(inv.id.slice(4));
    if (n <= 20 || n === 101 || n === 417 || inv.txnDate > "2026-10-01" || rnd() < 0.3) continue;
    const total = totals(inv);
    const amount = rnd() < 0.9 ? total : Math.round(total / 2);
    payments.push({
      id: `PAY-${pad(n, 5)}`,
      customerId: inv.customerId,
      amount: money(amount),
      txnDate: addDays(inv.txnDate, int(3, 25)),
      reference: rnd() < 0.5 ? `CHK ${int(1000, 9999)}` : `ch_${pad(n, 5)}${int(100, 999)}`,
      appliedTo: [{ invoiceId: inv.id, amount: money(amount) }],
    });
  }
  return { customers, items, invoices, payments };
}
