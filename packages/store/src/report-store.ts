import type { SyncRunSummary } from "@ledgerlink/core";
import { sql, type Kysely } from "kysely";
import type { Database } from "./schema.js";
import { runSummaryOf } from "./run-history-store.js";
import { linkKey } from "./sync-engine-store.js";

/** An open problem as a report shows it: the sync_errors row plus the record's name. */
export interface ReportError {
  id: string;
  runId: string;
  ref: string;
  /** The record's name (display name, item name, document number), when the record still exists. */
  name: string | null;
  /** "preflight" (a finding, nothing was sent) or "qbo" (QBO refused it at run time). */
  source: string;
  category: string;
  code: string | null;
  message: string;
  detail: string | null;
  field: string | null;
  createdAt: string;
}

/** An `auto-repair:*` audit event: what Ledgerlink changed on its own, under the company's policy. */
export interface ReportRepair {
  at: string;
  ref: string;
  /** The fix applied (`trim-spaces`, `shorten-docnumber`…), without the `auto-repair:` prefix. */
  action: string;
  detail: Record<string, unknown>;
}

const CHUNK = 500;
const repairPrefix = "auto-repair:";

/** `%` and `_` are LIKE wildcards; `\` escapes them (declared with ESCAPE on both dialects). */
const likeLiteral = (s: string): string => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/**
 * The reads a post-sync report needs, for one company: runs of a period, the problems open at a moment,
 * what auto-repair changed, and who gets the report by email. Every query is scoped by company here.
 */
export class ReportStore {
  constructor(
    private readonly db: Kysely<Database>,
    readonly companyId: string,
  ) {}

  /** Runs that started in [from, to), oldest first (a dry run stores no run, so none is counted). */
  async runsBetween(from: string, to: string, limit = 10_000): Promise<SyncRunSummary[]> {
    const rows = await this.db
      .selectFrom("sync_runs")
      .selectAll()
      .where("company_id", "=", this.companyId)
      .where("started_at", ">=", from)
      .where("started_at", "<", to)
      .orderBy("started_at")
      .orderBy("id")
      .limit(limit)
      .execute();
    return rows.map((r) => runSummaryOf(this.companyId, r));
  }

  /**
   * The problems that were open at `at`: raised at or before it and not resolved by then. A report of an
   * old run therefore shows what was wrong when that run ended, not what is wrong today.
   */
  async errorsOpenAt(at: string): Promise<ReportError[]> {
    const rows = await this.db
      .selectFrom("sync_errors")
      .select([
        "id",
        "run_id",
        "ref",
        "source",
        "category",
        "code",
        "message",
        "detail",
        "field",
        "created_at",
      ])
      .where("company_id", "=", this.companyId)
      .where("created_at", "<=", at)
      .where((eb) => eb.or([eb("resolved_at", "is", null), eb("resolved_at", ">", at)]))
      .execute();
    // Sorted here, not in SQL: the dialects collate text differently, and a report must read the same.
    const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
    rows.sort((a, b) => cmp(a.category, b.category) || cmp(a.ref, b.ref) || cmp(a.id, b.id));
    const names = await this.namesOf(rows.map((r) => r.ref));
    return rows.map((r) => ({
      id: r.id,
      runId: r.run_id,
      ref: r.ref,
      name: names.get(r.ref) ?? null,
      source: r.source,
      category: r.category,
      code: r.code,
      message: r.message,
      detail: r.detail,
      field: r.field,
      createdAt: r.created_at,
    }));
  }

  /** The auto-repairs a run applied (the runner writes its id into each event's detail). */
  async repairsOfRun(runId: string): Promise<ReportRepair[]> {
    const needle = `%${likeLiteral(JSON.stringify({ runId }).slice(1, -1))}%`;
    const rows = await this.db
      .selectFrom("audit_events")
      .select(["at", "ref", "action", "detail"])
      .where("company_id", "=", this.companyId)
      .where(sql<boolean>`action like ${`${likeLiteral(repairPrefix)}%`} escape '\\'`)
      .where(sql<boolean>`detail like ${needle} escape '\\'`)
      .orderBy("id")
      .execute();
    // LIKE found candidates; the parsed detail decides (a runId inside another field must not count).
    return rows.map(repairOf).filter((r) => r.detail["runId"] === runId);
  }

  /** The auto-repairs made in [from, to). */
  async repairsBetween(from: string, to: string): Promise<ReportRepair[]> {
    const rows = await this.db
      .selectFrom("audit_events")
      .select(["at", "ref", "action", "detail"])
      .where("company_id", "=", this.companyId)
      .where(sql<boolean>`action like ${`${likeLiteral(repairPrefix)}%`} escape '\\'`)
      .where("at", ">=", from)
      .where("at", "<", to)
      .orderBy("id")
      .execute();
    return rows.map(repairOf);
  }

  /** The company's report recipients, in the order they were given. */
  async listRecipients(): Promise<string[]> {
    const rows = await this.db
      .selectFrom("report_recipients")
      .select("email")
      .where("company_id", "=", this.companyId)
      .orderBy("position")
      .execute();
    return rows.map((r) => r.email);
  }

  /** Replaces the recipients in one transaction (an empty list falls back to the deployment's default). */
  async replaceRecipients(emails: readonly string[], at: string): Promise<void> {
    const unique = [...new Set(emails)];
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom("report_recipients").where("company_id", "=", this.companyId).execute();
      if (unique.length === 0) return;
      await trx
        .insertInto("report_recipients")
        .values(
          unique.map((email, position) => ({ company_id: this.companyId, email, position, added_at: at })),
        )
        .execute();
    });
  }

  /** Names of the records behind refs (`C:1042` → its display name), looked up by kind and id. */
  private async namesOf(refs: readonly string[]): Promise<Map<string, string>> {
    const idsByKind = new Map<string, Set<string>>();
    for (const ref of new Set(refs)) {
      const { entity, localId } = linkKey(ref as Parameters<typeof linkKey>[0]);
      let ids = idsByKind.get(entity);
      if (!ids) idsByKind.set(entity, (ids = new Set()));
      ids.add(localId);
    }
    const out = new Map<string, string>();
    for (const [kind, idSet] of idsByKind) {
      const ids = [...idSet];
      for (let i = 0; i < ids.length; i += CHUNK) {
        const rows = await this.db
          .selectFrom("records")
          .select(["id", "name"])
          .where("company_id", "=", this.companyId)
          .where("kind", "=", kind)
          .where("id", "in", ids.slice(i, i + CHUNK))
          .execute();
        const prefix = refPrefixOfKind[kind] ?? kind;
        for (const r of rows) if (r.name !== null) out.set(`${prefix}:${r.id}`, r.name);
      }
    }
    return out;
  }
}

const refPrefixOfKind: Record<string, string> = {
  customer: "C",
  item: "ITEM",
  invoice: "INV",
  creditMemo: "CM",
  payment: "PMT",
};

function repairOf(r: { at: string; ref: string; action: string; detail: string }): ReportRepair {
  const parsed = JSON.parse(r.detail) as unknown;
  const detail =
    parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  return { at: r.at, ref: r.ref, action: r.action.slice(repairPrefix.length), detail };
}
