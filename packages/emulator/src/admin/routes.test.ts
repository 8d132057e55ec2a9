import { describe, expect, it } from "vitest";
import { createEmulator } from "@ledgerlink/emulator";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire JSON, asserted field by field
type Json = any;

const emu = createEmulator();
const admin = async (method: string, path: string, body?: unknown) => {
  const res = await emu.fetch(
    new Request(`http://emulator/_emulator${path}`, {
      method,
      headers: { "content-type": "application/json" },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    }),
  );
  const type = res.headers.get("content-type") ?? "";
  return { status: res.status, body: (type.includes("json") ? await res.json() : await res.text()) as Json };
};

describe("admin API", () => {
  it("creates a company, issues it a token, seeds it and shows it as HTML", async () => {
    const created = await admin("POST", "/realms", { companyName: "Pipes & Co" });
    expect(created.status).toBe(201);
    const realmId = created.body.realmId as string;
    const tokens = await admin("POST", `/realms/${realmId}/tokens`);
    expect(tokens.body).toMatchObject({ token_type: "bearer", expires_in: 3600, realmId });

    const seeded = await admin("POST", `/realms/${realmId}/seed`, {
      entities: {
        Customer: [
          { Id: "500", DisplayName: "Hand Made Parent" },
          { DisplayName: "Child", ParentRef: { value: "500" } },
        ],
      },
    });
    expect(seeded.status).toBe(200);
    const customers = await admin("GET", `/realms/${realmId}/entities/customer`);
    expect(customers.body.map((c: Json) => [c.Id, c.FullyQualifiedName])).toEqual([
      ["500", "Hand Made Parent"],
      ["501", "Hand Made Parent:Child"],
    ]);
    const api = await emu.fetch(
      new Request(`http://emulator/v3/company/${realmId}/customer/501`, {
        headers: { authorization: `Bearer ${tokens.body.access_token}` },
      }),
    );
    expect(api.status).toBe(200);

    const view = await admin("GET", `/realms/${realmId}/view`);
    expect(view.body).toContain("Pipes &#38; Co");
    expect(view.body).toContain("Hand Made Parent:Child");
    expect((await admin("GET", "/")).body).toContain(realmId);
  });

  it("sets the closing date, injects and clears faults, advances the clock, and names bad input", async () => {
    const realmId = emu.defaultRealmId;
    expect((await admin("PUT", `/realms/${realmId}/closing-date`, { date: "2026-01-31" })).body).toEqual({
      closingDate: "2026-01-31",
    });
    expect(emu.realm(realmId).closingDate).toBe("2026-01-31");
    const bad = await admin("PUT", `/realms/${realmId}/closing-date`, { date: "31/01/2026" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("YYYY-MM-DD");

    expect((await admin("POST", `/realms/${realmId}/faults`, { kind: "429", times: 2 })).body).toEqual([
      { kind: "429", times: 2 },
    ]);
    const badFault = await admin("POST", `/realms/${realmId}/faults`, { kind: "418" });
    expect(badFault.body.error.message).toContain("fault kind");
    expect((await admin("DELETE", `/realms/${realmId}/faults`)).body).toEqual([]);

    const before = emu.realm(realmId).now().getTime();
    await admin("POST", `/realms/${realmId}/clock`, { advanceMs: 86_400_000 });
    expect(emu.realm(realmId).now().getTime() - before).toBeGreaterThanOrEqual(86_400_000);

    const prefs = await admin("PATCH", `/realms/${realmId}/preferences`, {
      SalesFormsPrefs: { CustomTxnNumbers: true },
    });
    expect(prefs.body.Preferences.SalesFormsPrefs.CustomTxnNumbers).toBe(true);
    expect((await admin("GET", "/realms/404/requests")).status).toBe(404);
  });

  it("configures webhooks and refuses a malformed URL", async () => {
    const bad = await admin("PUT", "/webhooks", { url: "not a url", verifierToken: "x" });
    expect(bad.status).toBe(400);
    const ok = await admin("PUT", "/webhooks", { url: "http://127.0.0.1:9/hooks", verifierToken: "x" });
    expect(ok.body.config).toMatchObject({ url: "http://127.0.0.1:9/hooks" });
    await admin("PUT", "/webhooks", null);
    expect((await admin("GET", "/webhooks")).body.config).toBeNull();
  });
});
