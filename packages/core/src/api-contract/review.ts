import { z } from "zod";
import { named, pageOf, pageQuery } from "./common.js";

const customerSide = z.object({
  name: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  address: z.string().nullable(),
});

export const reviewItemStatusSchema = named(
  "ReviewItemStatus",
  z.enum(["open", "accepted", "rejected", "linked-other", "created-new", "qbo-inactivated"]),
);

/** A pair the sync was unsure of, side by side for a person to decide. */
export const reviewItemSchema = named(
  "ReviewItem",
  z.object({
    id: z.string(),
    ref: z.string(),
    localId: z.string(),
    qboId: z.string(),
    score: z.number(),
    reasons: z.array(z.string()),
    runId: z.string(),
    openedAt: z.string(),
    status: reviewItemStatusSchema,
    resolvedAt: z.string().nullable(),
    resolvedBy: z.string().nullable(),
    local: customerSide.nullable(),
    qbo: customerSide.extend({ active: z.boolean() }).nullable(),
  }),
);
export type ReviewItemDto = z.infer<typeof reviewItemSchema>;

export const listReviewQuery = pageQuery;
export const reviewPageSchema = named("ReviewPage", pageOf(reviewItemSchema));

export const matchDecisionSchema = named(
  "MatchDecision",
  z.object({
    localId: z.string(),
    qboId: z.string().optional(),
    decision: z.enum(["link", "reject", "new", "review", "qbo-inactivate"]),
    score: z.number().optional(),
    reasons: z.array(z.string()).optional(),
    actor: z.string(),
    at: z.string(),
  }),
);

/** What a review action did: the decision recorded and the review items it closed. */
export const resolutionResultSchema = named(
  "ResolutionResult",
  z.object({ ref: z.string(), decision: matchDecisionSchema, closedItems: z.array(z.string()) }),
);

const id = z.string().trim().min(1).max(200);
export const reviewLinkBody = named("ReviewLinkRequest", z.object({ localId: id, qboId: id }).strict());
export const reviewCreateNewBody = named("ReviewCreateNewRequest", z.object({ localId: id }).strict());
export const reviewRejectPairBody = named(
  "ReviewRejectPairRequest",
  z.object({ localId: id, qboId: id }).strict(),
);
/** Mark a QBO customer, a duplicate, to be made inactive by the next sync. */
export const reviewQboInactiveBody = named(
  "ReviewQboInactiveRequest",
  z.object({ qboId: id, duplicateOf: id.optional() }).strict(),
);
