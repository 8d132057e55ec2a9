import { formatQboDate, formatQboTime, type EmulatorClock } from "./clock.js";
import type { EntityName, QboObject } from "./entities/entity-def.js";
import { FaultSchedule } from "./fault-injection.js";
import { ThrottleState } from "./throttle.js";

export interface RequestLogEntry {
  method: string;
  path: string;
  requestid: string | undefined;
  status: number;
  /** Emulated time the request arrived (ISO). */
  time: string;
}

export interface Tombstone {
  entity: EntityName;
  id: string;
  timeMs: number;
}

export interface ChangeEvent {
  realmId: string;
  entity: EntityName;
  id: string;
  operation: "Create" | "Update" | "Delete" | "Void" | "Merge";
  timeMs: number;
  /** For a Merge: the record merged away (`id` is the survivor), as QBO's webhooks name it. */
  deletedId?: string;
}

export interface CachedResponse {
  status: number;
  body: string;
}

const REQUEST_LOG_LIMIT = 10_000;
const IDEMPOTENCY_LIMIT = 50_000;

export interface RealmSettings {
  companyName: string;
  /** The company's UTC offset in minutes; QBO timestamps carry it (default US Pacific, -480). */
  utcOffsetMinutes: number;
}

/** One QBO company: its records, indexes, closing date, clock offset, request log and faults. */
export class Realm {
  private readonly tables = new Map<EntityName, Map<string, QboObject>>();
  private readonly nextIds = new Map<EntityName, number>();
  /** scope → normalised key → holder; see EntityDef.unique. */
  readonly uniqueIndex = new Map<string, Map<string, { entity: EntityName; id: string }[]>>();
  /** Payments applied to invoices: invoice Id → payment Id → amount (decimal string). */
  readonly applied = new Map<string, Map<string, string>>();
  /** Named counters (automatic DocNumbers). */
  readonly counters = new Map<string, number>();
  /** Records created earlier in the batch being processed: other items of it cannot see them. */
  batchHidden: Set<string> | undefined;
  tombstones: Tombstone[] = [];
  /** Transactions dated on or before this day (YYYY-MM-DD) are refused with 6210. */
  closingDate: string | undefined;
  readonly requestLog: RequestLogEntry[] = [];
  readonly idempotency = new Map<string, CachedResponse>();
  /**
   * Writes still being carried out, by requestid: a repeat that arrives meanwhile (a client that gave up
   * waiting and retried) waits for the first and gets its answer, instead of writing a second time.
   */
  readonly requestsInFlight = new Map<string, Promise<CachedResponse | undefined>>();
  readonly faults: FaultSchedule;
  readonly throttle = new ThrottleState();
  private offsetMs = 0;

  constructor(
    readonly id: string,
    private readonly clock: EmulatorClock,
    readonly settings: RealmSettings,
    private readonly onChange: (event: ChangeEvent) => void,
    random: () => number = Math.random,
  ) {
    this.faults = new FaultSchedule(random);
  }

  nowMs(): number {
    return this.clock.nowMs() + this.offsetMs;
  }

  /** Moves this company's clock forward (closing periods, token expiry) without touching the others. */
  advanceClock(ms: number): void {
    this.offsetMs += ms;
  }

  timestamp(ms = this.nowMs()): string {
    return formatQboTime(ms, this.settings.utcOffsetMinutes);
  }

  today(): string {
    return formatQboDate(this.nowMs(), this.settings.utcOffsetMinutes);
  }

  table(entity: EntityName): Map<string, QboObject> {
    let t = this.tables.get(entity);
    if (!t) {
      t = new Map();
      this.tables.set(entity, t);
    }
    return t;
  }

  allocateId(entity: EntityName, wanted?: string): string {
    const next = this.nextIds.get(entity) ?? 1;
    if (wanted !== undefined) {
      if (this.table(entity).has(wanted)) throw new Error(`${entity} Id ${wanted} already exists`);
      if (/^\d+$/.test(wanted)) this.nextIds.set(entity, Math.max(next, Number(wanted) + 1));
      return wanted;
    }
    this.nextIds.set(entity, next + 1);
    return String(next);
  }

  clear(): void {
    this.tables.clear();
    this.nextIds.clear();
    this.uniqueIndex.clear();
    this.counters.clear();
    this.applied.clear();
    this.tombstones = [];
    this.closingDate = undefined;
    this.requestLog.length = 0;
    this.idempotency.clear();
    this.faults.clear();
    this.throttle.reset();
  }

  logRequest(entry: RequestLogEntry): void {
    this.requestLog.push(entry);
    if (this.requestLog.length > REQUEST_LOG_LIMIT) this.requestLog.splice(0, this.requestLog.length / 2);
  }

  remember(key: string, response: CachedResponse): void {
    if (this.idempotency.size >= IDEMPOTENCY_LIMIT) {
      // Forget the oldest half; Map iterates in insertion order.
      let drop = IDEMPOTENCY_LIMIT / 2;
      for (const k of this.idempotency.keys()) {
        if (drop-- <= 0) break;
        this.idempotency.delete(k);
      }
    }
    this.idempotency.set(key, response);
  }

  /** Runs `fn` without change events: a company's built-in and seeded records are not news. */
  quietly<T>(fn: () => T): T {
    const was = this.quiet;
    this.quiet = true;
    try {
      return fn();
    } finally {
      this.quiet = was;
    }
  }

  private quiet = false;

  emitChange(entity: EntityName, id: string, operation: ChangeEvent["operation"], deletedId?: string): void {
    if (this.quiet) return;
    const event: ChangeEvent = { realmId: this.id, entity, id, operation, timeMs: this.nowMs() };
    if (deletedId !== undefined) event.deletedId = deletedId;
    this.onChange(event);
  }
}
