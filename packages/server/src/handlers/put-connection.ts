import type { Handler } from "hono";
import { z } from "zod";
import { ApiError } from "../api-error.js";
import type { AppDeps } from "../app-deps.js";
import { companyParam } from "../company-param.js";

export const connectionSettingsSchema = z.strictObject({
  enabled: z.boolean(),
  settings: z.record(z.string(), z.unknown()).default({}),
});

/** `PUT /api/v1/companies/:companyId/connection`: Submit — the Enable toggle and the settings. */
export const putConnection =
  (deps: AppDeps): Handler =>
  async (c) => {
    const companyId = await companyParam(c, deps);
    const parsed = connectionSettingsSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.join(".") || "(body)";
      throw new ApiError(400, "invalid_settings", `${field}: ${issue.message}`, { field });
    }
    await deps.connections.saveSettings(companyId, parsed.data);
    return c.json({ ...(await deps.connections.status(companyId)), ...parsed.data });
  };
