import { describe, expect, it } from "vitest";
import type { MatchRecord } from "./match-record.js";
import { matchCustomers } from "./match-customers.js";
import { phoneMatchKey } from "./phone-normalize.js";
import { generateSyntheticCustomers } from "./synthetic-customers.js";

// The demo company's seed-001 case: the app has "Acme Plumbing, Inc.", QBO has "Acme Plumbing Inc", both
// with the phone (555) 010-2000 (a made-up number: its exchange starts with 0, so it is no valid NANP
// number). Creating it again in QBO is the duplicate the product exists to prevent.
const acmeApp: MatchRecord = {
  id: "1050",
  name: "Acme Plumbing, Inc.",
  companyName: "Acme Plumbing, Inc.",
  phone: "555-010-2000",
};
const acmeQbo: MatchRecord = {
  id: "201",
  name: "Acme Plumbing Inc",
  companyName: "Acme Plumbing Inc",
  phone: "(555) 010-2000",
};

/** A handful of unrelated customers on each side, as in a small business's first sync. */
const smallApp: MatchRecord[] = [
  { id: "1051", name: "O'Brien's  Plumbing", email: "office@obrien.example" },
  { id: "1052", name: "Rivera Landscaping", phone: "555-030-1180" },
  { id: "1053", name: "Harbor Dental", email: "front@harbordental.example" },
  { id: "1054", name: "Dana Lee", givenName: "Dana", familyName: "Lee" },
];
const smallQbo: MatchRecord[] = [
  { id: "202", name: "O'Brien's Plumbing", email: "office@obrien.example" },
  { id: "203", name: "Smith, John", givenName: "John", familyName: "Smith" },
  { id: "204", name: "Maple Street Apartments" },
  { id: "205", name: "Northwind Traders", phone: "(312) 555-0144" },
];

/** A few hundred generated customers a side: enough candidate pairs for the weights to be estimated. */
const big = generateSyntheticCustomers({ entities: 400, seed: 5 });

function decisionFor(result: ReturnType<typeof matchCustomers>, localId: string) {
  const d = result.decisions.find((x) => x.localId === localId);
  if (d === undefined) throw new Error(`no decision for ${localId}`);
  return d;
}

describe("phoneMatchKey", () => {
  it("is E.164 for a real number and the digits for one that is not, so both sides still compare", () => {
    expect(phoneMatchKey("(415) 555-0100")).toBe("+14155550100");
    expect(phoneMatchKey("555-010-2000")).toBe("+15550102000");
    expect(phoneMatchKey("1.555.010.2000 x12")).toBe("+15550102000");
    expect(phoneMatchKey("+1 (555) 010-2000")).toBe("+15550102000");
    expect(phoneMatchKey("0101 2345")).toBe("digits:01012345");
    expect(phoneMatchKey("12")).toBeUndefined();
    expect(phoneMatchKey("call the office")).toBeUndefined();
  });
});

describe("the same business under two spellings of its name", () => {
  it("links 'Acme Plumbing, Inc.' to QBO's 'Acme Plumbing Inc' on the same phone in a small company", () => {
    const r = matchCustomers([acmeApp, ...smallApp], [acmeQbo, ...smallQbo]);
    expect(r.weightsSource).toBe("default");
    const d = decisionFor(r, "1050");
    expect(d).toMatchObject({ qboId: "201", band: "link" });
    expect(d.reasons).toContain("same phone");
    expect(d.reasons.some((x) => x.startsWith("same name") && x.includes("'Inc'"))).toBe(true);
  });

  it("links it the same way among hundreds of customers (weights estimated from the data)", () => {
    const r = matchCustomers([acmeApp, ...big.local], [acmeQbo, ...big.qbo]);
    expect(r.weightsSource).toBe("estimated");
    expect(decisionFor(r, "1050")).toMatchObject({ qboId: "201", band: "link" });
  });

  it("links on the same email just as on the same phone", () => {
    const app = { id: "1050", name: "Acme Plumbing, Inc.", email: "Office@AcmePlumbing.example" };
    const qbo = { id: "201", name: "ACME  plumbing inc", email: "office@acmeplumbing.example" };
    const r = matchCustomers([app, ...smallApp], [qbo, ...smallQbo]);
    expect(decisionFor(r, "1050")).toMatchObject({ qboId: "201", band: "link" });
  });

  it("treats '&' and 'and', LLC / Ltd / Co and extra spaces as the same name", () => {
    const app = { id: "X", name: "Baker & Sons  Heating, LLC", phone: "555-014-3300" };
    const qbo = { id: "208", name: "Baker and Sons Heating Co.", phone: "(555) 014-3300" };
    const r = matchCustomers([app, ...smallApp], [qbo, ...smallQbo]);
    expect(decisionFor(r, "X")).toMatchObject({ qboId: "208", band: "link" });
  });

  it("holds an exact name with nothing else to compare for review, never creating it new", () => {
    const app = { id: "1042", name: "Big Duplicating Co." };
    const qbo = { id: "200", name: "Big Duplicating Co" };
    const r = matchCustomers([app, ...smallApp], [qbo, ...smallQbo]);
    expect(r.weightsSource).toBe("default");
    const d = decisionFor(r, "1042");
    // A name alone is a guess: a person confirms it (never linked on a guess, never duplicated).
    expect(d).toMatchObject({ qboId: "200", band: "review" });
    expect(d.reasons).toContain(
      "held for review: only the name agrees (no email, phone or street address confirms it)",
    );
    // Alone on each side too (the smallest company there is).
    expect(matchCustomers([app], [qbo]).decisions[0]).toMatchObject({ qboId: "200", band: "review" });
  });

  it("holds an exact name for review among hundreds of customers too", () => {
    const app = { id: "1042", name: "Big Duplicating Co." };
    const qbo = { id: "200", name: "Big Duplicating Co" };
    const r = matchCustomers([app, ...big.local], [qbo, ...big.qbo]);
    expect(r.weightsSource).toBe("estimated");
    expect(decisionFor(r, "1042")).toMatchObject({ qboId: "200", band: "review" });
  });

  it("creates a same-named business new when its email, street and postcode all differ", () => {
    const app = {
      id: "2001",
      name: "Smith Plumbing",
      email: "hello@smithplumbing-or.example",
      address: { line1: "88 Alder St", city: "Portland", region: "OR", postalCode: "97204" },
    };
    const qbo = {
      id: "207",
      name: "Smith Plumbing",
      email: "office@smith-tx.example",
      address: { line1: "9 Ranch Rd", city: "Dallas", region: "TX", postalCode: "75201" },
    };
    // New here; the name clash with QBO's is then the validator's (renames), not a match to review.
    expect(decisionFor(matchCustomers([app, ...smallApp], [qbo, ...smallQbo]), "2001").band).toBe("new");
  });

  it("keeps different businesses that merely share a common word apart", () => {
    const app: MatchRecord[] = [
      { id: "P1", name: "Acme Plumbing, Inc.", phone: "555-010-2000" },
      { id: "P2", name: "Smith Plumbing", email: "hello@smithplumbing-il.example" },
    ];
    const qbo: MatchRecord[] = [
      { id: "Q1", name: "Apex Plumbing LLC", phone: "(555) 777-1234" },
      { id: "Q2", name: "Jones Plumbing", email: "office@jonesplumbing.example" },
    ];
    const r = matchCustomers([...app, ...smallApp], [...qbo, ...smallQbo]);
    for (const id of ["P1", "P2"]) expect(decisionFor(r, id).band).toBe("new");
  });
});
