import type { Customer, QboCustomer, QueueHold } from "@ledgerlink/core";
import type { ReviewItem, Store } from "@ledgerlink/store";

/** What a report reads of a company's current state: its customers, links, holds, review queue and QBO's customers. */
export interface CompanyState {
  /** The app's live customers, in id order. */
  customers: Customer[];
  /** `C:1042` → the QuickBooks Id it is linked to. */
  customerLinks: Map<string, string>;
  holds: Map<string, QueueHold>;
  /** Open review items by the app customer's id (one per customer: the best-scored pair). */
  reviewByCustomer: Map<string, ReviewItem>;
  reviewItems: ReviewItem[];
  /** QuickBooks' customers from the mirror (deleted ones left out), by Id. */
  qboCustomers: Map<string, QboCustomer>;
}

export async function loadCompanyState(store: Store, companyId: string): Promise<CompanyState> {
  const company = store.company(companyId);
  const [customers, links, holds, reviewItems, mirrored] = await Promise.all([
    company.listCustomers(),
    company.sync.listLinks(),
    company.sync.listHolds(),
    allOpenReviewItems(store, companyId),
    company.qbo.listObjects("Customer"),
  ]);
  const customerLinks = new Map<string, string>();
  for (const [ref, link] of links) if (ref.startsWith("C:")) customerLinks.set(ref, link.qboId);
  const reviewByCustomer = new Map<string, ReviewItem>();
  for (const item of reviewItems) {
    const seen = reviewByCustomer.get(item.localId);
    if (!seen || item.score > seen.score) reviewByCustomer.set(item.localId, item);
  }
  const qboCustomers = new Map<string, QboCustomer>();
  for (const o of mirrored) if (!o.deleted && o.data !== null) qboCustomers.set(o.id, o.data as QboCustomer);
  return {
    customers,
    customerLinks,
    holds: new Map(holds.map((h) => [h.ref, h])),
    reviewByCustomer,
    reviewItems,
    qboCustomers,
  };
}

async function allOpenReviewItems(store: Store, companyId: string): Promise<ReviewItem[]> {
  const review = store.company(companyId).review;
  const out: ReviewItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await review.listOpenReviewItems({ limit: 1000, ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return out;
}
