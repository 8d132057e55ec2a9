import { createHmac, timingSafeEqual } from "node:crypto";

export type WebhookOperation = "Create" | "Update" | "Delete" | "Merge" | "Void" | "Emailed";

/** One change QBO told us about, whichever payload format carried it. */
export interface WebhookEvent {
  realmId: string;
  /** QBO's entity name, e.g. "Customer". */
  entity: string;
  id: string;
  operation: WebhookOperation;
  /** When QBO says the change happened (ISO). */
  lastUpdated: string | undefined;
  /** For a Merge: the record merged away (the event's `id` is the survivor). */
  deletedId?: string;
}

/**
 * Checks `intuit-signature`: base64(HMAC-SHA256(key = verifier token, data = the raw body bytes)),
 * compared in constant time. The raw body must be the exact bytes received, before any JSON parse.
 */
export function verifyWebhookSignature(
  rawBody: string | Uint8Array,
  signature: string | null | undefined,
  verifierToken: string,
): boolean {
  if (!signature || !verifierToken) return false;
  const expected = createHmac("sha256", verifierToken).update(rawBody).digest();
  let given: Buffer;
  try {
    given = Buffer.from(signature.trim(), "base64");
  } catch {
    return false;
  }
  // Length differs only for garbage; timingSafeEqual needs equal lengths.
  if (given.length !== expected.length) return false;
  return timingSafeEqual(given, expected);
}

const operations: Record<string, WebhookOperation> = {
  create: "Create",
  created: "Create",
  update: "Update",
  updated: "Update",
  delete: "Delete",
  deleted: "Delete",
  merge: "Merge",
  merged: "Merge",
  void: "Void",
  voided: "Void",
  emailed: "Emailed",
};

/** CloudEvents names entities in lower case ("qbo.creditmemo.created.v1"); QBO's names are Pascal case. */
const entityNames: Record<string, string> = Object.fromEntries(
  [
    "Account",
    "Bill",
    "BillPayment",
    "Budget",
    "Class",
    "CreditMemo",
    "Currency",
    "Customer",
    "Department",
    "Deposit",
    "Employee",
    "Estimate",
    "Invoice",
    "Item",
    "JournalCode",
    "JournalEntry",
    "Payment",
    "PaymentMethod",
    "Preferences",
    "Purchase",
    "PurchaseOrder",
    "RefundReceipt",
    "SalesReceipt",
    "TaxAgency",
    "Term",
    "TimeActivity",
    "Transfer",
    "Vendor",
    "VendorCredit",
  ].map((n) => [n.toLowerCase(), n]),
);

export class WebhookPayloadError extends Error {
  override readonly name = "WebhookPayloadError" as const;
}

/**
 * Normalises both payload formats into one list: the legacy `{eventNotifications: [...]}` and the
 * CloudEvents array (`type: "qbo.customer.created.v1"`). Unknown operations are skipped, not fatal:
 * a new Intuit operation must not make us refuse (and Intuit re-send) the whole delivery.
 */
export function parseWebhookPayload(body: unknown): WebhookEvent[] {
  if (Array.isArray(body)) return body.flatMap(parseCloudEvent);
  if (
    body !== null &&
    typeof body === "object" &&
    Array.isArray((body as { eventNotifications?: unknown }).eventNotifications)
  ) {
    return (body as { eventNotifications: unknown[] }).eventNotifications.flatMap(parseLegacyNotification);
  }
  if (
    body !== null &&
    typeof body === "object" &&
    (body as { specversion?: unknown }).specversion !== undefined
  ) {
    return parseCloudEvent(body);
  }
  throw new WebhookPayloadError("webhook body is neither eventNotifications nor a CloudEvents array");
}

function parseLegacyNotification(n: unknown): WebhookEvent[] {
  if (n === null || typeof n !== "object") return [];
  const realmId = str((n as Record<string, unknown>)["realmId"]);
  const entities = ((n as { dataChangeEvent?: { entities?: unknown } }).dataChangeEvent?.entities ??
    []) as unknown;
  if (!realmId || !Array.isArray(entities)) return [];
  return entities.flatMap((e): WebhookEvent[] => {
    if (e === null || typeof e !== "object") return [];
    const r = e as Record<string, unknown>;
    const entity = str(r["name"]);
    const id = str(r["id"]);
    const operation = operations[(str(r["operation"]) ?? "").toLowerCase()];
    if (!entity || !id || !operation) return [];
    const deletedId = str(r["deletedId"]);
    return [
      {
        realmId,
        entity,
        id,
        operation,
        lastUpdated: str(r["lastUpdated"]),
        ...(deletedId ? { deletedId } : {}),
      },
    ];
  });
}

function parseCloudEvent(e: unknown): WebhookEvent[] {
  if (e === null || typeof e !== "object") return [];
  const r = e as Record<string, unknown>;
  const m = /^qbo\.([a-z]+)\.([a-z]+)\.v\d+$/i.exec(str(r["type"]) ?? "");
  const realmId = str(r["intuitaccountid"]);
  const id = str(r["intuitentityid"]);
  if (!m || !realmId || !id) return [];
  const entity = entityNames[m[1]!.toLowerCase()] ?? m[1]!.charAt(0).toUpperCase() + m[1]!.slice(1);
  const operation = operations[m[2]!.toLowerCase()];
  if (!operation) return [];
  const data = r["data"];
  const deletedId =
    data !== null && typeof data === "object"
      ? str((data as Record<string, unknown>)["deletedid"])
      : undefined;
  return [
    { realmId, entity, id, operation, lastUpdated: str(r["time"]), ...(deletedId ? { deletedId } : {}) },
  ];
}

/**
 * Collapses a delivery to one entry per record, keeping the latest. Consumers re-read the record
 * (or pull CDC), so a duplicate or an out-of-order event only costs a read, never a wrong write.
 */
export function latestPerRecord(events: readonly WebhookEvent[]): WebhookEvent[] {
  const byKey = new Map<string, WebhookEvent>();
  for (const e of events) {
    const key = `${e.realmId}\u0000${e.entity}\u0000${e.id}`;
    const prev = byKey.get(key);
    if (!prev || (e.lastUpdated ?? "") >= (prev.lastUpdated ?? "")) byKey.set(key, e);
  }
  return [...byKey.values()];
}

export interface WebhookReceiverOptions {
  verifierToken: string;
  /** Records the changed ids for the sync engine; must be quick (QBO wants an answer within 3 s). */
  enqueue: (events: WebhookEvent[]) => Promise<void>;
}

/**
 * A webhook endpoint on web-standard Request/Response (Hono: `app.post(path, (c) =>
 * receiver(c.req.raw))`). Bad signature → 401 and nothing enqueued; unparseable → 400; otherwise
 * enqueue and answer 200 at once (the work happens later).
 */
export function createWebhookReceiver(o: WebhookReceiverOptions): (req: Request) => Promise<Response> {
  return async (req) => {
    const raw = new Uint8Array(await req.arrayBuffer());
    if (!verifyWebhookSignature(raw, req.headers.get("intuit-signature"), o.verifierToken)) {
      return new Response(
        JSON.stringify({ error: { code: "bad-signature", message: "intuit-signature does not match" } }),
        {
          status: 401,
          headers: { "content-type": "application/json" },
        },
      );
    }
    let events: WebhookEvent[];
    try {
      events = latestPerRecord(parseWebhookPayload(JSON.parse(new TextDecoder().decode(raw))));
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      return new Response(JSON.stringify({ error: { code: "bad-payload", message } }), {
        status: 400,
        headers: { "content-type": "application/json" },
      });
    }
    if (events.length > 0) await o.enqueue(events);
    return new Response(null, { status: 200 });
  };
}

const str = (v: unknown): string | undefined =>
  typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : undefined;
