import type { ReviewItemDto } from "@ledgerlink/core";
import type { ReviewItem, Store } from "@ledgerlink/store";

const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);

function address(a: unknown): string | null {
  if (a === null || typeof a !== "object") return null;
  const o = a as Record<string, unknown>;
  const parts = [
    o["line1"] ?? o["Line1"],
    o["city"] ?? o["City"],
    o["region"] ?? o["CountrySubDivisionCode"],
    o["postalCode"] ?? o["PostalCode"],
  ]
    .map(str)
    .filter((p): p is string => p !== null);
  return parts.length === 0 ? null : parts.join(", ");
}

/** Review items side by side: the app's customer and the QBO customer, as a person compares them. */
export async function reviewItemDtos(
  store: Store,
  companyId: string,
  items: readonly ReviewItem[],
): Promise<ReviewItemDto[]> {
  const company = store.company(companyId);
  const locals = new Map<string, Record<string, unknown>>();
  for (const item of items) {
    const rec = await company.api.records.get(item.ref);
    if (rec) locals.set(item.localId, rec.data);
  }
  const qbo = new Map(
    (
      await company.qbo.getObjects(
        "Customer",
        items.map((i) => i.qboId),
      )
    ).map((o) => [o.id, o]),
  );
  return items.map((i) => {
    const l = locals.get(i.localId);
    const q = qbo.get(i.qboId);
    const qd = (q?.data ?? {}) as Record<string, unknown>;
    return {
      id: i.id,
      ref: i.ref,
      localId: i.localId,
      qboId: i.qboId,
      score: i.score,
      reasons: i.reasons,
      runId: i.runId,
      openedAt: i.openedAt,
      status: i.status,
      resolvedAt: i.resolvedAt ?? null,
      resolvedBy: i.resolvedBy ?? null,
      local:
        l === undefined
          ? null
          : {
              name: str(l["displayName"]),
              email: str(l["email"]),
              phone: str(l["phone"]),
              address: address(l["billingAddress"]),
            },
      qbo:
        q === undefined
          ? null
          : {
              name: str(qd["DisplayName"]),
              email: str((qd["PrimaryEmailAddr"] as Record<string, unknown> | undefined)?.["Address"]),
              phone: str((qd["PrimaryPhone"] as Record<string, unknown> | undefined)?.["FreeFormNumber"]),
              address: address(qd["BillAddr"]),
              active: q.active,
            },
    };
  });
}
