import type { Store } from "@ledgerlink/store";
import { ApiError } from "./api-error.js";

/** 404 naming `qboId` when the QBO mirror has no such live customer. */
export async function assertQboCustomer(store: Store, companyId: string, qboId: string): Promise<void> {
  const o = await store.company(companyId).qbo.getObject("Customer", qboId);
  if (o === undefined || o.deleted)
    throw new ApiError(
      404,
      "qbo_customer_not_found",
      `No QuickBooks customer ${qboId} is known to Ledgerlink`,
      {
        field: "qboId",
      },
    );
}
