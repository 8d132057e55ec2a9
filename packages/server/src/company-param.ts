import type { Context } from "hono";
import { ApiError } from "./api-error.js";
import type { AppDeps } from "./app-deps.js";
import { principalOf, seesCompany } from "./auth/principal.js";

/**
 * The `:companyId` of the route, checked to exist and to be visible to the caller (404 otherwise, the
 * same answer for both, so a key scoped to one company cannot tell which other companies exist).
 */
export async function companyParam(c: Context, deps: AppDeps): Promise<string> {
  const companyId = c.req.param("companyId") ?? "";
  const principal = principalOf(c);
  const companies = await deps.store.listCompanies();
  if (!companies.some((co) => co.id === companyId) || (principal && !seesCompany(principal, companyId))) {
    throw new ApiError(404, "company_not_found", `No company "${companyId}"`, { field: "companyId" });
  }
  return companyId;
}
