import type { RecordRef } from "../record-ref.js";
import type { QboReactivation, RecordLinks, RecordSet } from "../records/record-set.js";
import type { Finding, Fix, FixAction } from "../validate/finding.js";
import type { ValidationPolicy } from "../validate/policy.js";
import { collapseSpaces, replaceRefusedCharacters } from "./clean-text.js";
import { getField, setField } from "./field-path.js";

/** One change auto-repair made, with everything the audit log needs to show and undo it. */
export interface Repair {
  ref: RecordRef;
  action: FixAction;
  /** The QBO rule (id) whose finding it repairs. */
  rule: string;
  /** Plain language: what was changed. */
  summary: string;
  field?: string;
  before?: unknown;
  after?: unknown;
  /** For repairs that change QBO or a link rather than the record: the QBO object. */
  qbo?: { entity: string; qboId: string };
}

export interface RepairResult {
  records: RecordSet;
  repairs: Repair[];
}

type Kind = "customers" | "items" | "invoices" | "creditMemos" | "payments";
const kindByPrefix: Record<string, Kind> = {
  C: "customers",
  ITEM: "items",
  INV: "invoices",
  CM: "creditMemos",
  PMT: "payments",
};

/** The policy switch that allows each safe action; actions not listed are never applied automatically. */
const allowedBy: Partial<Record<FixAction, keyof ValidationPolicy["autoRepair"]>> = {
  "trim-spaces": "trimSpaces",
  "replace-characters": "replaceCharacters",
  "shorten-docnumber": "shortenDocNumbers",
  reactivate: "reactivateInactive",
  "map-item": "mapItems",
  "map-account": "mapAccounts",
  "let-qbo-number": "letQboNumber",
  "fix-amount": "fixRounding",
};

/** The fix auto-repair would apply to a finding under a policy, if any. */
export function autoFixFor(finding: Finding, policy: ValidationPolicy): Fix | undefined {
  return finding.fixes.find((f) => {
    const flag = allowedBy[f.action];
    return f.safe && flag !== undefined && policy.autoRepair[flag];
  });
}

/**
 * Applies the safe fixes the policy allows, each once, and says what changed. Records are copied,
 * never mutated. Validate again afterwards: a repair can reveal the next problem (a trimmed name may
 * now collide), which `validateAndRepair` does for you.
 */
export function applyRepairs(
  records: RecordSet,
  findings: readonly Finding[],
  policy: ValidationPolicy,
): RepairResult {
  const lists: Partial<Record<Kind, unknown[]>> = {};
  const positions = new Map<string, { kind: Kind; index: number }>();
  const indexKind = (kind: Kind, prefix: string): void => {
    const list = records[kind] as readonly { id: string }[] | undefined;
    list?.forEach((r, index) => positions.set(`${prefix}:${r.id}`, { kind, index }));
  };
  for (const [prefix, kind] of Object.entries(kindByPrefix)) indexKind(kind, prefix);

  const read = (ref: RecordRef): unknown => {
    const at = positions.get(ref);
    if (!at) return undefined;
    return (lists[at.kind] ?? (records[at.kind] as readonly unknown[] | undefined))?.[at.index];
  };
  const write = (ref: RecordRef, next: unknown): void => {
    const at = positions.get(ref)!;
    const list = (lists[at.kind] ??= [...((records[at.kind] as readonly unknown[] | undefined) ?? [])]);
    list[at.index] = next;
  };

  const itemLinks = new Map(records.links?.items ?? []);
  let itemLinksChanged = false;
  const reactivations: QboReactivation[] = [...(records.reactivations ?? [])];
  const reactivationKeys = new Set(reactivations.map((r) => `${r.entity}:${r.qboId}`));
  const repairs: Repair[] = [];

  for (const finding of findings) {
    const chosen = autoFixFor(finding, policy);
    if (!chosen) continue;
    const record = read(finding.ref);
    const base = { ref: finding.ref, action: chosen.action, rule: finding.rule.id };
    const p = chosen.params;
    const setRecordField = (field: string, after: unknown, summary: string): void => {
      if (record === undefined) return;
      const before = getField(record, field);
      if (before === after) return;
      write(finding.ref, setField(record, field, after));
      const repair: Repair = { ...base, summary, field, before };
      if (after !== undefined) repair.after = after;
      repairs.push(repair);
    };

    switch (chosen.action) {
      case "trim-spaces":
      case "replace-characters": {
        const field = String(p["field"]);
        const before = getField(record, field);
        if (typeof before !== "string") break;
        const after =
          chosen.action === "trim-spaces"
            ? collapseSpaces(before)
            : collapseSpaces(replaceRefusedCharacters(before));
        setRecordField(
          field,
          after,
          chosen.action === "trim-spaces"
            ? `Removed extra spaces from ${field}`
            : `Replaced characters QuickBooks refuses in ${field}`,
        );
        break;
      }
      case "shorten-docnumber":
        setRecordField("docNumber", String(p["value"]), `Shortened the number to ${String(p["value"])}`);
        break;
      case "let-qbo-number":
        setRecordField(
          "docNumber",
          undefined,
          "Left the number to QuickBooks (custom transaction numbers are off)",
        );
        break;
      case "fix-amount":
        setRecordField(
          String(p["field"]),
          Number(p["value"]),
          `Set ${String(p["field"])} to qty × unit price`,
        );
        break;
      case "map-account":
        setRecordField(
          String(p["field"]),
          String(p["value"]),
          `Used the account's full name "${String(p["value"])}"`,
        );
        break;
      case "map-item": {
        const itemId = String(p["itemId"]);
        const qboId = String(p["qboId"]);
        if (p["qboId"] === undefined || itemLinks.get(itemId) === qboId) break;
        itemLinks.set(itemId, qboId);
        itemLinksChanged = true;
        repairs.push({
          ...base,
          summary: `Linked to QuickBooks item ${qboId}`,
          qbo: { entity: "Item", qboId },
        });
        break;
      }
      case "reactivate": {
        const entity = String(p["entity"]) as QboReactivation["entity"];
        const qboId = String(p["qboId"]);
        const key = `${entity}:${qboId}`;
        if (reactivationKeys.has(key)) break;
        reactivationKeys.add(key);
        reactivations.push({ entity, qboId });
        repairs.push({
          ...base,
          summary: `Will reactivate QuickBooks ${entity} ${qboId} before sending`,
          qbo: { entity, qboId },
        });
        break;
      }
      default:
        break;
    }
  }

  const out: RecordSet = { ...records };
  for (const [kind, list] of Object.entries(lists)) (out as Record<string, unknown>)[kind] = list;
  if (itemLinksChanged) {
    const links: RecordLinks = { ...records.links, items: itemLinks };
    out.links = links;
  }
  if (reactivations.length > (records.reactivations?.length ?? 0)) out.reactivations = reactivations;
  return { records: out, repairs };
}

/** The audit-log entry for a repair (see `SyncStore.audit`). */
export function repairAuditEntry(repair: Repair): {
  ref: RecordRef;
  action: string;
  actor: string;
  detail: Record<string, unknown>;
} {
  const detail: Record<string, unknown> = { rule: repair.rule, summary: repair.summary };
  if (repair.field !== undefined) detail["field"] = repair.field;
  if ("before" in repair) detail["before"] = repair.before;
  if ("after" in repair) detail["after"] = repair.after;
  if (repair.qbo !== undefined) detail["qbo"] = repair.qbo;
  return { ref: repair.ref, action: `auto-repair:${repair.action}`, actor: "ledgerlink", detail };
}
