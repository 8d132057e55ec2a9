import { bulkFixBody, companyParams } from "@ledgerlink/core";
import type { Handler } from "hono";
import { ApiError } from "../api-error.js";
import { apiHandler, type ApiDeps } from "../api-handler.js";
import { asApiError } from "../api-input.js";
import { problemById } from "../errors-lookup.js";
import { applyFixes } from "../errors-fix.js";

/**
 * `POST /api/v1/companies/:companyId/errors/fix`: many fixes at once, in order; each is answered on its
 * own (a refused one does not stop the others, and what it would have changed is not written).
 */
export const postErrorsFix = (deps: ApiDeps): Handler =>
  apiHandler(
    deps,
    { params: companyParams, body: bulkFixBody },
    async ({ c, companyId, body, actor, at }) => {
      const found = [];
      const missing = new Map<number, unknown>();
      for (const [i, f] of body.fixes.entries()) {
        try {
          const { row, item } = await problemById(deps.store, companyId, f.errorId);
          found.push({
            index: i,
            problem: row,
            item,
            req: { action: f.action, params: f.params, preview: false },
          });
        } catch (err) {
          missing.set(i, err);
        }
      }
      const done = await applyFixes(
        { store: deps.store, connections: deps.connections, companyId, actor, at },
        found,
      );
      const outcomes = new Map(found.map((f, i) => [f.index, done[i]!]));
      const results = body.fixes.map((f, i) => {
        const o = outcomes.get(i) ?? { ok: false as const, error: missing.get(i) };
        if (o.ok) return { errorId: f.errorId, ok: true as const, result: o.result };
        const mapped = asApiError(o.error);
        if (!(mapped instanceof ApiError)) throw o.error;
        return {
          errorId: f.errorId,
          ok: false as const,
          error: {
            code: mapped.code,
            message: mapped.message,
            ...(mapped.details === undefined ? {} : { details: mapped.details }),
          },
        };
      });
      const applied = results.filter((r) => r.ok).length;
      return c.json({ results, applied, failed: results.length - applied });
    },
  );
