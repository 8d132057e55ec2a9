import { ENTITY_NAMES, type QboObject } from "../entities/entity-def.js";
import type { RealmHandle } from "../realm-handle.js";

const esc = (v: unknown): string => String(v ?? "").replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** The columns worth showing per entity; the rest is in the JSON. */
const COLUMNS: Record<string, string[]> = {
  Customer: ["Id", "DisplayName", "FullyQualifiedName", "Active", "Balance", "SyncToken"],
  Vendor: ["Id", "DisplayName", "Active", "SyncToken"],
  Employee: ["Id", "DisplayName", "Active", "SyncToken"],
  Item: ["Id", "Name", "Type", "Active", "UnitPrice", "SyncToken"],
  Account: ["Id", "FullyQualifiedName", "AccountType", "Active", "SyncToken"],
  TaxCode: ["Id", "Name", "Description"],
  Invoice: ["Id", "DocNumber", "TxnDate", "CustomerRef", "TotalAmt", "Balance", "SyncToken"],
  CreditMemo: ["Id", "DocNumber", "TxnDate", "CustomerRef", "TotalAmt", "SyncToken"],
  Payment: ["Id", "TxnDate", "CustomerRef", "TotalAmt", "UnappliedAmt", "SyncToken"],
};

function cell(record: QboObject, column: string): string {
  const v = record[column];
  if (v !== null && typeof v === "object" && "value" in v) {
    const ref = v as { value: unknown; name?: unknown };
    return esc(ref.name ?? ref.value);
  }
  return esc(v);
}

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title><style>
body{font:14px system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;margin:.5rem 0 1.5rem}
td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}th{background:#f3f3f3}.inactive{color:#999}
</style></head><body>${body}</body></html>`;
}

/** A read-only page of every company, for people. */
export function renderIndex(realms: { id: string; companyName: string }[]): string {
  const rows = realms
    .map(
      (r) =>
        `<li><a href="/_emulator/realms/${esc(r.id)}/view">${esc(r.companyName)}</a> (realmId ${esc(r.id)})</li>`,
    )
    .join("");
  return page("QBO emulator", `<h1>QBO emulator</h1><p>Companies:</p><ul>${rows}</ul>`);
}

/** A read-only page of one company's records. */
export function renderRealm(realm: RealmHandle, companyName: string): string {
  let body = `<h1>${esc(companyName)}</h1><p>realmId ${esc(realm.id)} · closing date ${esc(realm.closingDate ?? "none")} · emulated now ${esc(realm.now().toISOString())}</p>`;
  for (const entity of ENTITY_NAMES) {
    const columns = COLUMNS[entity];
    if (!columns) continue;
    const records = realm.list(entity);
    body += `<h2>${entity} (${records.length})</h2>`;
    if (records.length === 0) continue;
    body += `<table><tr>${columns.map((c) => `<th>${esc(c)}</th>`).join("")}</tr>`;
    for (const r of records)
      body += `<tr${r["Active"] === false ? ' class="inactive"' : ""}>${columns.map((c) => `<td>${cell(r, c)}</td>`).join("")}</tr>`;
    body += "</table>";
  }
  return page(companyName, body);
}
