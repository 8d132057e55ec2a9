import type { QboDeletableEntity, QboEntityMap, QboWritableEntity } from "./entity-types.js";
import type { QboError } from "./qbo-error.js";

/** QBO accepts at most 30 items per batch call. */
export const MAX_BATCH_ITEMS = 30;

type WriteOp<K extends "create" | "update"> = {
  [E in QboWritableEntity]: {
    /** The caller's handle for the item (e.g. the local record ref); results come back under it. */
    key: string;
    operation: K;
    entity: E;
    payload: QboEntityMap[E];
  };
}[QboWritableEntity];

type DeleteOp = {
  [E in QboDeletableEntity]: {
    key: string;
    operation: "delete";
    entity: E;
    payload: { Id: string; SyncToken: string };
  };
}[QboDeletableEntity];

export type BatchOperation = WriteOp<"create"> | WriteOp<"update"> | DeleteOp;

/** One item's outcome: batch work reports per item, it never throws for one bad record. */
export type BatchItemResult =
  | { key: string; ok: true; entity: string; record: Record<string, unknown> }
  | { key: string; ok: false; error: QboError };

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
