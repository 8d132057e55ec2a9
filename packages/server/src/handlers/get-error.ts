import { companyIdParams } from "@ledgerlink/core";
import type { Handler } from "hono";
import { ApiError } from "../api-error.js";
import { apiHandler, type ApiDeps } from "../api-handler.js";
import { problemById } from "../errors-lookup.js";
import { fixChoices } from "../errors-view.js";
import { refreshMirror } from "../mirror-refresh.js";

/** `GET /api/v1/companies/:companyId/errors/:id`: one open problem, its fixes with their choices. */
export const getError = (deps: ApiDeps): Handler =>
  apiHandler(deps, { params: companyIdParams }, async ({ c, companyId, params }) => {
    const { row, item } = await problemById(deps.store, companyId, params.id);
    if (row.resolvedAt !== null)
      throw new ApiError(
        404,
        "error_resolved",
        `Problem ${row.id} of ${row.ref} was resolved at ${row.resolvedAt}`,
        {
          field: "id",
          ref: row.ref,
        },
      );
    // Choices come from the QBO mirror: bring it up to date first (a name typed in since the last pull).
    if (item.fixes.some((f) => f.requires.length > 0))
      await refreshMirror(deps.store, deps.connections, companyId);
    const fixes = [];
    for (const fix of item.fixes) {
      const choices =
        fix.requires.length > 0 ? await fixChoices(deps.store, companyId, item, fix) : undefined;
      fixes.push(choices === undefined ? fix : { ...fix, choices });
    }
    return c.json({ ...item, fixes });
  });
