import type { Handler } from "hono";
import type { AppDeps } from "../app-deps.js";
import { companyParam } from "../company-param.js";
import { loadUnmatchedCustomers, unmatchedCustomersCsv } from "../reports/unmatched-customers.js";
import { csvResponse } from "../reports/report-response.js";

/**
 * `GET /api/v1/companies/:companyId/exports/unmatched-customers.csv`: the app's customers with no link
 * to QuickBooks, in the columns QuickBooks' customer import takes, for those who import by hand. After
 * the import, the next sync links them instead of creating them. Customers the import would refuse or
 * that importing would duplicate are left out and counted in `Ledgerlink-Excluded` (the report says why).
 */
export const getExportUnmatchedCustomers =
  (deps: AppDeps): Handler =>
  async (c) => {
    const companyId = await companyParam(c, deps);
    const entries = await loadUnmatchedCustomers(deps.store, companyId, deps.clock.now().toISOString());
    const included = entries.filter((e) => e.importRow !== undefined).length;
    return csvResponse(unmatchedCustomersCsv(entries), `unmatched-customers-${companyId}.csv`, {
      "ledgerlink-included": String(included),
      "ledgerlink-excluded": String(entries.length - included),
    });
  };
