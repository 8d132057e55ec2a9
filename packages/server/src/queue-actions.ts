import type { RecordRef } from "@ledgerlink/core";
import type { Store } from "@ledgerlink/store";
import { ApiError } from "./api-error.js";

export type QueueAction = "hold" | "release" | "remove";

/**
 * One queue action on one record: hold it out of the syncs, remove it until the app changes it, or
 * release it. The record must exist (404 naming it); each change is audited by the engine's store.
 */
export async function queueAction(
  store: Store,
  companyId: string,
  ref: RecordRef,
  action: QueueAction,
  by: { actor: string; at: string; reason?: string },
): Promise<{ ref: string; state: "ready" | "held" | "removed"; changed: boolean }> {
  const company = store.company(companyId);
  if (!(await company.api.records.exists(ref)))
    throw new ApiError(404, "record_not_found", `No record ${ref} in company "${companyId}"`, {
      field: "ref",
      ref,
    });
  const before = await company.api.queue.stateOf(ref);
  if (action === "release") {
    const changed = await company.sync.release(ref, by.actor, by.at);
    return { ref, state: "ready", changed };
  }
  const state = action === "hold" ? "held" : "removed";
  await company.sync.setHold(ref, state, by.actor, by.reason, by.at);
  return { ref, state, changed: before !== state };
}
