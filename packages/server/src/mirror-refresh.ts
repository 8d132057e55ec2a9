import { pullQbo } from "@ledgerlink/core";
import { qboPullApi } from "@ledgerlink/qbo";
import type { Store } from "@ledgerlink/store";
import type { ConnectionService } from "./connection-service.js";
import { companyLogger, logger } from "./logger.js";

/**
 * Brings the company's QBO mirror up to date (QBO's changes since the last pull), as a sync does before
 * it plans, so a fix is validated against what QBO holds now (records the last run created, a name
 * someone typed in since). Without a working connection the mirror stays as it is: answers false.
 */
export async function refreshMirror(
  store: Store,
  connections: ConnectionService,
  companyId: string,
  now: () => Date = () => new Date(),
): Promise<boolean> {
  if ((await connections.status(companyId)).state !== "connected") return false;
  try {
    const client = await connections.clientFor(companyId);
    await pullQbo({ api: qboPullApi(client), mirror: store.company(companyId).qbo, now });
    return true;
  } catch (err) {
    // The fix itself stands; validation then reads the mirror as of the last pull.
    companyLogger(logger, { companyId }).error({ err }, "refreshing the QBO mirror failed");
    return false;
  }
}
