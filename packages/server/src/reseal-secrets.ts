import type { Store } from "@ledgerlink/store";
import type { ConnectionService } from "./connection-service.js";
import { webhookSecretAssociatedData } from "./outbound/webhook-secrets.js";

export interface ResealReport {
  /** OAuth grants sealed again under the current token key. */
  grants: number;
  /** Webhook endpoint signing secrets (current and previous) sealed again. */
  webhookSecrets: number;
}

/**
 * The last step of a token-key rotation: every secret at rest still sealed with a retired key is sealed
 * again under LEDGERLINK_TOKEN_KEY, after which the retired keys can be dropped from the configuration.
 * Safe to run while servers and workers run, and to run again (it then changes nothing).
 */
export async function resealSecrets(store: Store, connections: ConnectionService): Promise<ResealReport> {
  const grants = await connections.resealGrants();
  let webhookSecrets = 0;
  for (const { id: companyId } of await store.listCompanies()) {
    const outbound = store.company(companyId).outbound;
    const ad = webhookSecretAssociatedData(companyId);
    for (const { id } of await outbound.listEndpoints()) {
      // A secret rotated between the read and the write keeps the rotation: read again and retry.
      let done = false;
      for (let attempt = 0; attempt < 3 && !done; attempt++) {
        const e = await outbound.signingEndpoint(id);
        const what = `Company ${companyId}'s webhook endpoint ${id}`;
        const current = await connections.resealSecret(e.sealedSecret, ad, `${what} signing secret`);
        const previous =
          e.previousSealedSecret === null
            ? undefined
            : await connections.resealSecret(e.previousSealedSecret, ad, `${what} previous signing secret`);
        if (current === undefined && previous === undefined) {
          done = true;
          break;
        }
        const expected = { sealedSecret: e.sealedSecret, previousSealedSecret: e.previousSealedSecret };
        const next = {
          sealedSecret: current ?? e.sealedSecret,
          previousSealedSecret: previous ?? e.previousSealedSecret,
        };
        if (await outbound.resealSecrets(id, expected, next)) {
          webhookSecrets += (current === undefined ? 0 : 1) + (previous === undefined ? 0 : 1);
          done = true;
        }
      }
      if (!done)
        throw new Error(
          `company ${companyId}, webhook endpoint ${id}: its secret kept changing while being re-sealed; run the re-seal again`,
        );
    }
  }
  return { grants, webhookSecrets };
}
