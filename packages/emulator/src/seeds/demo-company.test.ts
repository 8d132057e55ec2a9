import { describe, expect, it } from "vitest";
import { createEmulator, demoCompanySeed } from "@ledgerlink/emulator";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire JSON, asserted field by field
type Json = any;

describe("demo company seed", () => {
  it("loads into the default realm and reproduces the seed articles' failures", async () => {
    const emu = createEmulator({ seed: demoCompanySeed });
    const realm = emu.realm(emu.defaultRealmId);
    expect(realm.closingDate).toBe("2025-12-31");
    expect(realm.get("Customer", "206")).toMatchObject({
      FullyQualifiedName: "Maple Street Apartments:Unit 4B",
      Level: 1,
    });
    expect(realm.get("Customer", "204")).toMatchObject({
      DisplayName: "Harbor Dental (deleted)",
      Active: false,
    });
    expect(realm.get("Invoice", "501")).toMatchObject({ TotalAmt: 125, Balance: 75 });
    // Recorded by another integration; a hand-typed twin of the app's invoice 20101; a Service item
    // with no income account; a credit memo holding the app's invoice number 20417.
    expect(realm.get("Payment", "600")).toMatchObject({ PaymentRefNum: "ch_1002", TotalAmt: 50 });
    expect(realm.get("Invoice", "502")).toMatchObject({ DocNumber: "20101", TotalAmt: 89 });
    expect(realm.get("Item", "101")!["IncomeAccountRef"]).toBeUndefined();
    expect(realm.get("Customer", "211")).toMatchObject({ Active: false });

    const token = emu.issueAccessToken(emu.defaultRealmId);
    const post = async (entity: string, body: unknown): Promise<Json> => {
      const res = await emu.fetch(
        new Request(`http://emulator/v3/company/${emu.defaultRealmId}/${entity}`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
      );
      return ((await res.json()) as Json).Fault?.Error?.[0]?.code;
    };
    const line = {
      DetailType: "SalesItemLineDetail",
      SalesItemLineDetail: { ItemRef: { value: "100" }, Qty: 1, UnitPrice: 95 },
    };
    expect(await post("customer", { DisplayName: "Big Duplicating Co." })).toBe("6240");
    expect(await post("customer", { DisplayName: "Harbor Dental" })).toBe("6240");
    expect(await post("customer", { DisplayName: "Rivera Landscaping" })).toBe("6240");
    expect(
      await post("invoice", { CustomerRef: { value: "200" }, TxnDate: "2025-12-20", Line: [line] }),
    ).toBe("6210");
    expect(await post("invoice", { CustomerRef: { value: "204" }, Line: [line] })).toBe("610");
    const oldValve = { ...line, SalesItemLineDetail: { ItemRef: { value: "102" }, Qty: 1, UnitPrice: 30 } };
    expect(await post("invoice", { CustomerRef: { value: "200" }, Line: [oldValve] })).toBe("610");
    expect(
      await post("invoice", {
        CustomerRef: { value: "200" },
        DocNumber: "INV-2026-0000000000000042",
        Line: [line],
      }),
    ).toBe("2050");
    expect(await post("invoice", { CustomerRef: { value: "200" }, DocNumber: "1001", Line: [line] })).toBe(
      "6140",
    );
    expect(await post("invoice", { CustomerRef: { value: "209" }, DocNumber: "20417", Line: [line] })).toBe(
      "6140",
    );
  });
});
