import type { Kysely, Migration } from "kysely";

/**
 * Why a webhook endpoint was turned off by Ledgerlink rather than by a person: a receiver answering
 * 410 Gone says it is not coming back, so deliveries stop instead of retrying, and the console and
 * API say so. Null when enabled or disabled by hand. A step of its own after 0012, whose databases exist.
 */
export const outboundEndpointDisabledReason: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable("outbound_endpoints").addColumn("disabled_reason", "text").execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable("outbound_endpoints").dropColumn("disabled_reason").execute();
  },
};
