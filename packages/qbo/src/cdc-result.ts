import type { QboEntityName } from "./entity-types.js";

/** One changed record from change data capture or a LastUpdatedTime query. */
export interface CdcChange {
  entity: QboEntityName;
  id: string;
  deleted: boolean;
  /** The record as QBO has it now (absent for deletions). */
  record?: Record<string, unknown>;
  lastUpdated?: string;
}

export interface CdcResult {
  changes: CdcChange[];
  /** Entities whose changes reached QBO's 1000-object cap: some may be missing. */
  truncated: QboEntityName[];
}
