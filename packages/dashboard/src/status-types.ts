import type { CompanyNoticeDto, SyncRun } from "@ledgerlink/core";

/** `state` of the QuickBooks connection as GET …/connection and /api/status report it. */
export type ConnectionStateName = "connected" | "needs-reconnect" | "disconnected" | "disabled";

export interface ConnectionStatus {
  state: ConnectionStateName;
  environment: string;
  realmId: string | null;
  reason?: string;
}

/** GET /api/v1/companies/:id/connection (packages/server/src/handlers/get-connection.ts). */
export interface ConnectionResponse extends ConnectionStatus {
  enabled: boolean;
  settings: Record<string, unknown>;
}

/** GET /api/status (packages/server/src/status.ts). */
export interface StatusResponse {
  company: string;
  connection: ConnectionStatus;
  counts: { customers: number; linkedCustomers: number; openErrors: number };
  lastRun: SyncRun | null;
  /** The last sync could not reach QuickBooks (packages/server/src/qbo-unreachable-notice.ts). */
  notice: CompanyNoticeDto | null;
}
