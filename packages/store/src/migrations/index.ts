import type { Migration, MigrationProvider } from "kysely";
import { initial } from "./0001-initial.js";
import { connections } from "./0002-connections.js";
import { records } from "./0003-records.js";
import { qboChanges } from "./0004-qbo-changes.js";
import { matchReview } from "./0005-match-review.js";
import { qboMirror } from "./0006-qbo-mirror.js";
import { syncOutbox } from "./0007-sync-outbox.js";
import { apiIndexes } from "./0008-api-indexes.js";
import { reportRecipients } from "./0009-report-recipients.js";
import { outboundEvents } from "./0012-outbound-events.js";
import { outboundEndpointDisabledReason } from "./0012-outbound-events-disabled-reason.js";
import { auth } from "./0010-auth.js";
import { rateBudgets } from "./0011-rate-budgets.js";
import { authEvents } from "./0013-auth-events.js";
import { userMustChangePassword } from "./0014-user-must-change-password.js";
import { searchNameTrigrams } from "./0015-search-name-trigrams.js";
import { guessBuckets } from "./0016-guess-buckets.js";

/** Migrations are code (not files read at run time), so the built package carries them. */
export const migrations: Record<string, Migration> = {
  "0001-initial": initial,
  "0002-connections": connections,
  "0003-records": records,
  "0004-qbo-changes": qboChanges,
  "0005-match-review": matchReview,
  "0006-qbo-mirror": qboMirror,
  "0007-sync-outbox": syncOutbox,
  "0008-api-indexes": apiIndexes,
  "0009-report-recipients": reportRecipients,
  "0012-outbound-events": outboundEvents,
  "0012-outbound-events-disabled-reason": outboundEndpointDisabledReason,
  "0010-auth": auth,
  "0011-rate-budgets": rateBudgets,
  "0013-auth-events": authEvents,
  "0014-user-must-change-password": userMustChangePassword,
  "0015-search-name-trigrams": searchNameTrigrams,
  "0016-guess-buckets": guessBuckets,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
