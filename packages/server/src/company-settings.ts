import {
  DEFAULT_MATCH_POLICY,
  defaultValidationPolicy,
  type MatchPolicy,
  type ValidationPolicy,
} from "@ledgerlink/core";
import type { Store } from "@ledgerlink/store";
import { z } from "zod";

/** "HH:MM", 24-hour. */
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: "must be HH:MM (24-hour)" });

export const scheduleSchema = z
  .object({
    mode: z.enum(["manual", "every", "daily", "on-change"]).default("manual"),
    everyMinutes: z
      .number()
      .int()
      .min(5, { error: "must be at least 5 minutes" })
      .max(24 * 60)
      .optional(),
    dailyAt: clockTime.optional(),
    timeZone: z
      .string()
      .refine(
        (tz) => {
          try {
            new Intl.DateTimeFormat("en-US", { timeZone: tz });
            return true;
          } catch {
            return false;
          }
        },
        { error: "must be an IANA time zone such as America/Chicago" },
      )
      .optional(),
  })
  .refine((s) => s.mode !== "every" || s.everyMinutes !== undefined, {
    error: "everyMinutes is required when mode is every",
    path: ["everyMinutes"],
  })
  .refine((s) => s.mode !== "daily" || s.dailyAt !== undefined, {
    error: "dailyAt is required when mode is daily",
    path: ["dailyAt"],
  });
export type Schedule = z.infer<typeof scheduleSchema>;

/**
 * The parts of a company's connection settings (what staff Submit) that drive its syncs: when they
 * run, the match thresholds and which repairs may be applied without asking. Anything missing takes
 * the cautious default; anything malformed is ignored in favour of the default rather than stopping
 * syncs (the settings endpoint reports it when they are saved).
 */
export interface CompanySyncSettings {
  schedule: Schedule;
  matchPolicy: MatchPolicy;
  validationPolicy: ValidationPolicy;
}

const matchingSchema = z.object({ linkAt: z.number().min(0).max(1), reviewAt: z.number().min(0).max(1) });
const autoRepairSchema = z.object(
  Object.fromEntries(
    Object.keys(defaultValidationPolicy.autoRepair).map((k) => [k, z.boolean().optional()]),
  ) as Record<keyof ValidationPolicy["autoRepair"], z.ZodOptional<z.ZodBoolean>>,
);

export function syncSettingsFrom(raw: Record<string, unknown>): CompanySyncSettings {
  const schedule = scheduleSchema.safeParse(raw["schedule"] ?? {});
  const matching = matchingSchema.safeParse(raw["matching"]);
  const repairs = autoRepairSchema.safeParse(raw["autoRepair"] ?? {});
  const autoRepair = { ...defaultValidationPolicy.autoRepair };
  if (repairs.success)
    for (const [k, v] of Object.entries(repairs.data))
      if (v !== undefined) autoRepair[k as keyof typeof autoRepair] = v;
  return {
    schedule: schedule.success ? schedule.data : { mode: "manual" },
    matchPolicy:
      matching.success && matching.data.reviewAt <= matching.data.linkAt
        ? matching.data
        : DEFAULT_MATCH_POLICY,
    validationPolicy: { ...defaultValidationPolicy, autoRepair },
  };
}

export async function companySyncSettings(store: Store, companyId: string): Promise<CompanySyncSettings> {
  const row = await store.connections.get(companyId);
  return syncSettingsFrom(row?.settings ?? {});
}
