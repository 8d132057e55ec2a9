import { describe, expect, it } from "vitest";
import { forEachCandidatePair } from "./blocking.js";
import { type MatchRecord, matchRecordFromCustomer, matchRecordFromQboCustomer } from "./match-record.js";
import { matchCustomers } from "./match-customers.js";
import { prepareRecords } from "./prepared-records.js";
import { generateSyntheticCustomers } from "./synthetic-customers.js";

function quality(decisions: ReturnType<typeof matchCustomers>["decisions"], truth: Map<string, string>) {
  let tp = 0;
  let fp = 0;
  let linkTp = 0;
  let linkFp = 0;
  for (const d of decisions) {
    if (d.band === "new" || d.qboId === undefined) continue;
    const ok = truth.get(d.localId) === d.qboId;
    if (ok) tp++;
    else fp++;
    if (d.band === "link") {
      if (ok) linkTp++;
      else linkFp++;
    }
  }
  const precision = tp / (tp + fp);
  const recall = tp / truth.size;
  return {
    precision,
    recall,
    f1: (2 * precision * recall) / (precision + recall),
    linkPrecision: linkTp / (linkTp + linkFp),
  };
}

describe("matchCustomers on generated data (fixed seed)", () => {
  const g = generateSyntheticCustomers({ entities: 3000, seed: 7 });
  const result = matchCustomers(g.local, g.qbo);

  it("reports its progress in order, about every 1% of the local customers, ending at the total", () => {
    const seen: [number, number][] = [];
    const again = matchCustomers(g.local, g.qbo, { onProgress: (done, total) => seen.push([done, total]) });
    expect(again.decisions).toEqual(result.decisions);
    const n = g.local.length;
    expect(seen[0]).toEqual([0, n]);
    expect(seen.at(-1)).toEqual([n, n]);
    expect(seen.every(([, total]) => total === n)).toBe(true);
    expect(seen.every(([done], i) => i === 0 || done > seen[i - 1]![0])).toBe(true);
    expect(seen.length).toBeGreaterThan(50);
    // The first and last, and one each time another 1% (rounded down) of the customers is passed.
    expect(seen.length).toBeLessThanOrEqual(2 + Math.floor((n - 1) / Math.floor(n / 100)));
  });

  it("is deterministic per seed", () => {
    const again = generateSyntheticCustomers({ entities: 3000, seed: 7 });
    expect(again.local).toEqual(g.local);
    expect([...again.truth]).toEqual([...g.truth]);
  });

  it("keeps at least 99.5% of true pairs through blocking", () => {
    const all = [...g.local, ...g.qbo];
    const p = prepareRecords(all);
    const index = new Map(all.map((r, i) => [r.id, i]));
    const wanted = new Map([...g.truth].map(([l, q]) => [index.get(l)!, index.get(q)!]));
    let kept = 0;
    forEachCandidatePair(
      p,
      { start: 0, end: g.local.length },
      { start: g.local.length, end: all.length },
      (i, j) => {
        if (wanted.get(i) === j) kept++;
      },
    );
    expect(kept / g.truth.size).toBeGreaterThanOrEqual(0.995);
  });

  it("reaches F1 ≥ 0.98 and auto-link precision ≥ 0.995", () => {
    const q = quality(result.decisions, g.truth);
    expect(q.f1).toBeGreaterThanOrEqual(0.98);
    expect(q.linkPrecision).toBeGreaterThanOrEqual(0.995);
  });

  it("beats exact-DisplayName matching on recall", () => {
    const qboNames = new Set(g.qbo.map((q) => q.name));
    const exact = [...g.truth].filter(([l]) => qboNames.has(g.local.find((r) => r.id === l)!.name)).length;
    expect(quality(result.decisions, g.truth).recall).toBeGreaterThan(exact / g.truth.size + 0.2);
  });

  it("decides every local customer once, one-to-one, parents before children", () => {
    expect(result.decisions.map((d) => d.localId).sort()).toEqual(g.local.map((r) => r.id).sort());
    const used = result.decisions.filter((d) => d.qboId !== undefined).map((d) => d.qboId);
    expect(new Set(used).size).toBe(used.length);
    const position = new Map(result.decisions.map((d, i) => [d.localId, i]));
    for (const r of g.local)
      if (r.parentId !== undefined) expect(position.get(r.parentId)!).toBeLessThan(position.get(r.id)!);
  });
});

const acmeLocal: MatchRecord[] = [
  {
    id: "A1",
    name: "Acme Plumbing Inc",
    email: "office@acmeplumbing.com",
    phone: "(415) 555-0100",
    address: { line1: "1 Market Street", postalCode: "94105" },
  },
  {
    id: "A2",
    parentId: "A1",
    name: "Acme Plumbing - Oak Site",
    email: "office@acmeplumbing.com",
    phone: "(415) 555-0100",
    address: { line1: "20 Oak Avenue", postalCode: "94110" },
  },
  { id: "A3", name: "Jane Q. Doe", email: "jane.doe@gmail.com", phone: "650-555-0199" },
];
const acmeQbo: MatchRecord[] = [
  {
    id: "7",
    name: "ACME PLUMBING",
    email: "Office@AcmePlumbing.com",
    phone: "+1 415 555 0100",
    address: { line1: "1 Market St", postalCode: "94105-2211" },
  },
  {
    id: "8",
    parentId: "7",
    name: "Acme Plumbing - Oak Site",
    email: "office@acmeplumbing.com",
    address: { line1: "20 Oak Ave", postalCode: "94110" },
  },
  {
    id: "9",
    name: "Acme Plumbing - Oak Site",
    email: "office@acmeplumbing.com",
    address: { line1: "20 Oak Ave", postalCode: "94110" },
  },
  { id: "10", name: "Doe, Jane", email: "janedoe+invoices@gmail.com", phone: "(650) 555-0199" },
];

// Weights are estimated from the data, so the hand-made cases sit among a few hundred ordinary customers.
const background = generateSyntheticCustomers({ entities: 400, seed: 11 });
const withBackground = (
  local: MatchRecord[],
  qbo: MatchRecord[],
  options?: Parameters<typeof matchCustomers>[2],
): ReturnType<typeof matchCustomers> => {
  const result = matchCustomers([...local, ...background.local], [...qbo, ...background.qbo], options);
  const ids = new Set(local.map((r) => r.id));
  return { ...result, decisions: result.decisions.filter((d) => ids.has(d.localId)) };
};

describe("matchCustomers decisions", () => {
  it("links with reasons a person can read", () => {
    const { decisions } = withBackground(acmeLocal, acmeQbo);
    const acme = decisions.find((d) => d.localId === "A1")!;
    expect(acme).toMatchObject({ qboId: "7", band: "link" });
    expect(acme.reasons).toContain("same email, shared by 5 customers");
    expect(acme.reasons).toContain("same phone, shared by 3 customers");
    expect(acme.reasons).toContain("same street address");
    expect(acme.reasons).toContain("same postcode");
    expect(acme.reasons.some((r) => r.includes("after removing 'Inc'"))).toBe(true);
    const jane = decisions.find((d) => d.localId === "A3")!;
    expect(jane).toMatchObject({ qboId: "10", band: "link" });
    expect(jane.reasons.join("; ")).toContain("'Last, First'");
  });

  it("matches a child only under its parent's QBO match (Parent:Child)", () => {
    const { decisions } = withBackground(acmeLocal, acmeQbo);
    expect(decisions.map((d) => d.localId)).toEqual(["A1", "A2", "A3"]);
    expect(decisions.find((d) => d.localId === "A2")).toMatchObject({ qboId: "8", band: "link" });
  });

  it("never re-matches an already linked pair, and keeps it", () => {
    const { decisions, stats } = withBackground(acmeLocal, acmeQbo, {
      links: [{ localId: "A3", qboId: "9" }],
    });
    expect(decisions.find((d) => d.localId === "A3")).toEqual({
      localId: "A3",
      qboId: "9",
      band: "link",
      score: 1,
      reasons: ["already linked"],
    });
    expect(decisions.filter((d) => d.qboId === "9")).toHaveLength(1);
    expect(stats.alreadyLinked).toBe(1);
  });

  it("holds a pair for review between the policy's thresholds", () => {
    const local: MatchRecord[] = [
      { id: "A", name: "Riverside Landscaping", address: { line1: "5 Elm St", postalCode: "92501" } },
    ];
    const qbo: MatchRecord[] = [
      { id: "1", name: "Riverside Landscapng LLC", address: { line1: "9 Pine St", postalCode: "92501" } },
    ];
    const strict = matchCustomers(local, qbo, { policy: { linkAt: 0.999999, reviewAt: 0.0001 } })
      .decisions[0]!;
    expect(strict.band).toBe("review");
    expect(matchCustomers(local, qbo, { policy: { linkAt: 1, reviewAt: 1 } }).decisions[0]!.band).toBe("new");
  });

  it("rejects bad input naming the field", () => {
    expect(() =>
      matchCustomers(
        [
          { id: "A", name: "x" },
          { id: "A", name: "y" },
        ],
        [],
      ),
    ).toThrow(/"A" appears twice \(field id\)/);
    expect(() => matchCustomers([], [], { policy: { linkAt: 0.5, reviewAt: 0.9 } })).toThrow(/reviewAt/);
  });
});

describe("match records", () => {
  it("maps QBO customers, dropping the (deleted) suffix and keeping the parent", () => {
    const r = matchRecordFromQboCustomer({
      Id: "5",
      DisplayName: "Acme (deleted)",
      Active: false,
      ParentRef: { value: "2" },
      PrimaryPhone: { FreeFormNumber: "415 555 0100" },
    });
    expect(r).toEqual({ id: "5", name: "Acme", active: false, parentId: "2", phone: "415 555 0100" });
    expect(() => matchRecordFromQboCustomer({ DisplayName: "x" })).toThrow(/field Id/);
  });
  it("maps app customers", () => {
    const r = matchRecordFromCustomer({
      id: "C1",
      displayName: "Jo",
      active: true,
      mobile: "1",
      billingAddress: { city: "Reno" },
    });
    expect(r).toEqual({ id: "C1", name: "Jo", active: true, phone: "1", address: { city: "Reno" } });
  });
});
