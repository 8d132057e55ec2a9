import type { ConnectionService } from "../connection-service.js";
import type { SecretOpener } from "./deliver-due-events.js";

/** Webhook signing secrets at rest: sealed with the OAuth grants' key, bound to the company. */
export const webhookSecretAssociatedData = (companyId: string): string => `webhook-secret:${companyId}`;

export interface WebhookSecretSealer {
  seal(companyId: string, secret: string): Promise<string>;
  open: SecretOpener;
}

export function webhookSecretSealer(connections: ConnectionService): WebhookSecretSealer {
  return {
    seal: (companyId, secret) => connections.sealSecret(secret, webhookSecretAssociatedData(companyId)),
    open: (companyId, sealed) => connections.openSecret(sealed, webhookSecretAssociatedData(companyId)),
  };
}

/** The last four characters, shown beside the endpoint so people can tell which secret they hold. */
export const secretHint = (secret: string): string => secret.slice(-4);
