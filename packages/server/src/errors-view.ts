import {
  errorCategoryTitles,
  type ErrorCategory,
  type ErrorFixDto,
  type ErrorItemDto,
  type MirroredEntity,
  type RecordKind,
} from "@ledgerlink/core";
import type { ProblemRow, Store } from "@ledgerlink/store";
import { explain, fixesFor } from "./errors-explain.js";

const kindOfPrefix: Record<string, RecordKind> = {
  C: "customer",
  ITEM: "item",
  ACCT: "account",
  INV: "invoice",
  CM: "creditMemo",
  PMT: "payment",
};

const nameOf = (data: unknown): string | null => {
  const d = data as Record<string, unknown> | null;
  const v = d?.["DisplayName"] ?? d?.["Name"] ?? d?.["DocNumber"];
  return typeof v === "string" ? v : null;
};

/** The DisplayNames QBO holds for customers, vendors and employees (what a new name must not be). */
export async function qboDisplayNames(store: Store, companyId: string): Promise<string[]> {
  const mirror = store.company(companyId).qbo;
  const lists = await Promise.all(
    (["Customer", "Vendor", "Employee"] as MirroredEntity[]).map((e) => mirror.listObjects(e)),
  );
  return lists.flat().flatMap((o) => {
    const n = nameOf(o.data);
    return n === null ? [] : [n];
  });
}

/** Open problems as the Errors view shows them: names, QBO's words, explanations and fix buttons. */
export async function errorItems(
  store: Store,
  companyId: string,
  rows: readonly ProblemRow[],
): Promise<ErrorItemDto[]> {
  const api = store.company(companyId).api;
  const names = await api.records.namesOf(rows.map((r) => r.ref));
  const reviewQboIds = rows.flatMap((r) => (r.review ? [r.review.qboId] : []));
  const qboNames = new Map<string, string | null>();
  if (reviewQboIds.length > 0)
    for (const o of await store.company(companyId).qbo.getObjects("Customer", reviewQboIds))
      qboNames.set(o.id, nameOf(o.data));
  return rows.map((p) => {
    const category = p.category as ErrorCategory;
    const recordName = names.get(p.ref) ?? null;
    return {
      id: p.id,
      source: p.source,
      category,
      categoryTitle: errorCategoryTitles[category] ?? errorCategoryTitles.other,
      severity: p.severity ?? "blocks",
      ref: p.ref,
      kind: kindOfPrefix[p.ref.slice(0, p.ref.indexOf(":"))] ?? null,
      recordName,
      message: p.message,
      explanation: explain(p, recordName),
      field: p.field,
      rule: p.rule,
      qbo:
        p.source === "qbo"
          ? { code: p.code, message: p.message, detail: p.detail, element: p.element }
          : null,
      review: p.review
        ? {
            itemId: p.review.itemId,
            qboId: p.review.qboId,
            qboName: qboNames.get(p.review.qboId) ?? null,
            score: p.review.score,
            reasons: p.review.reasons,
          }
        : null,
      fixes: fixesFor(p, companyId),
      runId: p.runId,
      createdAt: p.createdAt,
    };
  });
}

/**
 * The choices a fix offers, for one problem: rename proposals (unique against every name in the app
 * and QBO), the QBO customers or items to link to (same name first, then similar names).
 */
export async function fixChoices(
  store: Store,
  companyId: string,
  item: ErrorItemDto,
  fix: ErrorFixDto,
): Promise<ErrorFixDto["choices"]> {
  const company = store.company(companyId);
  const localId = item.ref.slice(item.ref.indexOf(":") + 1);
  if (fix.action === "rename" && item.kind === "customer") {
    const proposals = await company.review.previewCollisionRenames({
      localId,
      qboNames: await qboDisplayNames(store, companyId),
    });
    return proposals.map((p) => ({ label: `Rename it "${p.name}"`, params: { value: p.name } }));
  }
  const entity =
    (fix.action === "link" || fix.action === "accept-match") && item.kind === "customer"
      ? "Customer"
      : fix.action === "map-item"
        ? "Item"
        : undefined;
  if (entity === undefined || fix.params["qboId"] !== undefined) return undefined;
  const q = item.kind === "customer" || item.kind === "item" ? item.recordName : null;
  if (q === null || q.trim() === "") return [];
  const page = await company.api.search.search({ q, source: "qbo", limit: 20 });
  return page.items
    .filter((h) => h.kind === entity && h.ref === null)
    .slice(0, 10)
    .map((h) => ({
      label: `QuickBooks ${entity.toLowerCase()} "${h.name ?? h.id}" (Id ${h.id})${h.active ? "" : ", inactive"}`,
      params: { qboId: h.id },
    }));
}
