import {
  classifyFailure,
  type QboWriteOp,
  type QboWritePort,
  type QboWriteResult,
  type SyncEntity,
} from "@ledgerlink/core";
import type { BatchOperation } from "./batch-operation.js";
import type { QboEntityMap, QboWritableEntity } from "./entity-types.js";
import { mayHaveRun, QboAuthError, QboError, QboFaultError, QboRateLimitError } from "./qbo-error.js";
import type { QboClient } from "./qbo-client.js";
import { qboOutageOf } from "./qbo-outage.js";

/**
 * Did QBO possibly carry the write out? A network failure, timeout or 5xx leaves it unknown, and the
 * engine must re-send it identically (same requestid) rather than treat it as failed and re-plan it.
 */
export function outcomeUnknown(err: unknown): boolean {
  if (!(err instanceof QboError)) return true;
  return mayHaveRun(err) || err.earlierTryMayHaveRun;
}

function failed(key: string, err: unknown): QboWriteResult {
  const result: QboWriteResult = {
    key,
    ok: false,
    failure: classifyFailure(err),
    // A 429 that outlived the retries was refused before it ran: not written, unless an earlier try may have.
    outcomeUnknown: err instanceof QboRateLimitError ? err.earlierTryMayHaveRun : outcomeUnknown(err),
  };
  if (err instanceof QboAuthError && err.reason !== "unauthorized") result.needsReconnect = true;
  // Only an unknown outcome counts as "QBO did not answer": a 429 past its retries was refused, not lost.
  const outage = result.outcomeUnknown ? qboOutageOf(err) : undefined;
  if (outage && !result.ok) result.outage = outage;
  return result;
}

const writable = (entity: SyncEntity): QboWritableEntity => entity;

/** The engine's write port over the connector: batch calls, plain writes and re-reads. */
export function qboWritePort(client: QboClient): QboWritePort {
  return {
    async batch(ops: readonly QboWriteOp[]): Promise<QboWriteResult[]> {
      const batchOps = ops.map(
        (op) =>
          ({
            key: op.key,
            operation: op.operation,
            entity: writable(op.entity),
            payload: op.payload,
          }) as BatchOperation,
      );
      // One call at a time here: the engine runs its own lanes and chooses the batch composition.
      const results = await client.batch(batchOps, { concurrency: 1 });
      return results.map((r) => (r.ok ? { key: r.key, ok: true, object: r.record } : failed(r.key, r.error)));
    },
    async write(op: QboWriteOp): Promise<QboWriteResult> {
      const entity = writable(op.entity);
      const payload = op.payload as QboEntityMap[typeof entity];
      try {
        const object =
          op.operation === "create"
            ? await client.create(entity, payload, { requestId: op.key })
            : op.operation === "update"
              ? await client.update(entity, payload, { requestId: op.key })
              : await client.delete(
                  entity as "Invoice" | "CreditMemo" | "Payment",
                  { Id: String(op.payload["Id"]), SyncToken: String(op.payload["SyncToken"]) },
                  { requestId: op.key },
                );
        return { key: op.key, ok: true, object: object as unknown as Record<string, unknown> };
      } catch (err) {
        return failed(op.key, err);
      }
    },
    async read(entity: SyncEntity, id: string): Promise<Record<string, unknown> | undefined> {
      try {
        return (await client.read(entity, id)) as unknown as Record<string, unknown>;
      } catch (err) {
        if (err instanceof QboFaultError && err.code === "610") return undefined;
        throw err;
      }
    },
  };
}
