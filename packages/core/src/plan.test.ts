import { describe, expect, it } from "vitest";
import type { Customer } from "./customer.js";
import { planCustomers, type Link } from "./plan.js";

const customer = (id: string, displayName: string, parentId?: string): Customer =>
  parentId === undefined ? { id, displayName, active: true } : { id, displayName, parentId, active: true };

describe("planCustomers", () => {
  it("creates unlinked customers, parents before children", () => {
    const plan = planCustomers({
      customers: [customer("2", "Site 2", "1"), customer("1", "Big Co")],
      links: new Map(),
    });
    expect(plan.map((s) => [s.ref, s.action])).toEqual([
      ["C:1", "create"],
      ["C:2", "create"],
    ]);
    expect(plan[1]!.parentLocalId).toBe("1");
    expect(plan[1]!.payload.Job).toBe(true);
  });

  it("skips a linked customer whose payload is unchanged and updates a changed one", () => {
    const first = planCustomers({
      customers: [customer("1", "Big Co"), customer("2", "Small Co")],
      links: new Map(),
    });
    const links = new Map<string, Link>(
      first.map((s, i) => [
        s.localId,
        {
          localId: s.localId,
          qboId: String(60 + i),
          syncToken: "0",
          fingerprint: s.fingerprint,
          lastSyncedAt: "",
        },
      ]),
    );
    const second = planCustomers({
      customers: [customer("1", "Big Co"), customer("2", "Small Co Ltd")],
      links,
    });
    expect(second.map((s) => s.action)).toEqual(["skip", "update"]);
    expect(second[1]!.link?.qboId).toBe("61");
  });

  it("blocks a child whose parent the app does not have", () => {
    const [step] = planCustomers({ customers: [customer("5", "Orphan", "404")], links: new Map() });
    expect(step!.action).toBe("blocked");
    expect(step!.reason).toContain("C:404");
  });
});
