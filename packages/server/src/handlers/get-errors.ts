import { companyParams, errorCategoryTitles, listErrorsQuery, recordKinds } from "@ledgerlink/core";
import type { Handler } from "hono";
import { apiHandler, type ApiDeps } from "../api-handler.js";
import { errorItems } from "../errors-view.js";
import { qboUnreachableNotice } from "../qbo-unreachable-notice.js";

/**
 * `GET /api/v1/companies/:companyId/errors`: every open problem (pre-flight finding, QBO fault, match to
 * review) grouped by category with counts, then a page in category order with explanations and fixes;
 * above them, a company-level notice when the last sync could not reach QuickBooks.
 */
export const getErrors = (deps: ApiDeps): Handler =>
  apiHandler(deps, { params: companyParams, query: listErrorsQuery }, async ({ c, companyId, query }) => {
    const page = await deps.store.company(companyId).api.problems.list(
      {
        ...(query.category === undefined ? {} : { category: query.category }),
        ...(query.source === undefined ? {} : { source: query.source }),
        ...(query.ref === undefined ? {} : { ref: query.ref }),
        ...(query.kind === undefined ? {} : { refPrefix: recordKinds[query.kind] }),
      },
      { limit: query.limit, ...(query.cursor === undefined ? {} : { cursor: query.cursor }) },
    );
    return c.json({
      groups: page.groups.map((g) => ({
        category: g.category,
        title: errorCategoryTitles[g.category as keyof typeof errorCategoryTitles] ?? g.category,
        count: g.count,
      })),
      total: page.total,
      items: await errorItems(deps.store, companyId, page.items),
      nextCursor: page.nextCursor,
      notice: await qboUnreachableNotice(deps.store, companyId),
    });
  });
