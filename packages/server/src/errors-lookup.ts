import type { ErrorItemDto } from "@ledgerlink/core";
import type { ProblemRow, Store } from "@ledgerlink/store";
import { ApiError } from "./api-error.js";
import { errorItems } from "./errors-view.js";

/** One problem of the company by id, as stored and as the Errors view shows it; 404 when unknown. */
export async function problemById(
  store: Store,
  companyId: string,
  id: string,
): Promise<{ row: ProblemRow; item: ErrorItemDto }> {
  const row = await store.company(companyId).api.problems.get(id);
  if (row === undefined)
    throw new ApiError(404, "error_not_found", `No problem ${id} in company "${companyId}"`, { field: "id" });
  const [item] = await errorItems(store, companyId, [row]);
  return { row, item: item! };
}
