import { runCustomerSync, type Clock, type CustomerSyncResult } from "@ledgerlink/core";
import type { Store } from "@ledgerlink/store";
import type { ConnectionService } from "./connection-service.js";

export class NeedsReconnectError extends Error {
  override readonly name = "NeedsReconnectError";
}

/**
 * One sync of a company, as Sync Now, the CLI and the scheduler run it. Against the emulator a
 * company that was never connected is connected automatically (its consent page needs no person).
 */
export async function syncCompany(o: {
  store: Store;
  connections: ConnectionService;
  companyId: string;
  clock: Clock;
  dryRun?: boolean;
  environment: "emulator" | "sandbox" | "production";
}): Promise<CustomerSyncResult> {
  let status = await o.connections.status(o.companyId);
  if (status.state === "disconnected" && o.environment === "emulator") {
    await o.connections.connectToEmulatorAutomatically(o.companyId);
    status = await o.connections.status(o.companyId);
  }
  if (status.state !== "connected") {
    throw new NeedsReconnectError(status.reason ?? `The QuickBooks connection is ${status.state}`);
  }
  const qbo = await o.connections.clientFor(o.companyId);
  return runCustomerSync({
    store: o.store.company(o.companyId),
    qbo,
    clock: o.clock,
    ...(o.dryRun ? { dryRun: true } : {}),
  });
}
