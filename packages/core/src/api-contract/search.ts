import { z } from "zod";
import { named, pageOf, pageQuery } from "./common.js";

export const searchQuery = pageQuery.extend({
  /** `C:1042`, `INV:77`, `ITEM:12`, a QBO Id, a name, an email or a phone number. */
  q: z.string().trim().min(1).max(200),
  source: z.enum(["app", "qbo", "all"]).default("all"),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const searchRankSchema = named("SearchRank", z.enum(["exact", "prefix", "contains"]));

/** A record of the app or an object of the QBO mirror that matches, best first. */
export const searchHitSchema = named(
  "SearchHit",
  z.object({
    source: z.enum(["app", "qbo"]),
    /** The app's record kind, or the QBO entity (Customer, Item, Invoice...). */
    kind: z.string(),
    /** The app's reference (`C:1042`) — for a QBO object, the app record linked to it, if any. */
    ref: z.string().nullable(),
    id: z.string(),
    qboId: z.string().nullable(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    active: z.boolean(),
    matched: z.enum(["ref", "id", "qboId", "name", "email", "phone"]),
    rank: searchRankSchema,
  }),
);
export const searchPageSchema = named("SearchPage", pageOf(searchHitSchema));
