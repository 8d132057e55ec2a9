import type { Context } from "hono";
import { ApiError } from "./api-error.js";
import type { AppDeps } from "./app-deps.js";

/** The `:companyId` of the route, checked to exist (404 otherwise). */
export async function companyParam(c: Context, deps: AppDeps): Promise<string> {
  const companyId = c.req.param("companyId") ?? "";
  const companies = await deps.store.listCompanies();
  if (!companies.some((co) => co.id === companyId)) {
    throw new ApiError(404, "company_not_found", `No company "${companyId}"`, { field: "companyId" });
  }
  return companyId;
}
