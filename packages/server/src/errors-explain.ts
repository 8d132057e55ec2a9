import type { ErrorCategory, ErrorFixAction, ErrorFixDto } from "@ledgerlink/core";
import type { ProblemRow } from "@ledgerlink/store";

/**
 * The Errors view's words for office staff: why each open problem matters and what to do, and the fix
 * buttons a problem offers (a finding's own fixes, or those that answer a QBO fault or a review item).
 */

const categoryExplanation: Record<ErrorCategory, string> = {
  duplicate:
    "QuickBooks allows each customer, supplier and employee name only once, and each document number once. This record collides with one already there.",
  mapping:
    "An item or account this record uses has no counterpart in QuickBooks yet. Choose the QuickBooks item or account to use, or create it there.",
  "inactive-or-missing":
    "This record refers to something QuickBooks has made inactive or does not have (a customer, item or account). Make it active again or choose another one.",
  "invalid-data":
    "QuickBooks refuses some characters and lengths. The field shown must be corrected before the record can be sent.",
  "closed-period":
    "The books are closed in QuickBooks up to a date after this document's date, so QuickBooks will not accept it. Change the date, or ask your accountant to reopen the period.",
  stale:
    "Someone changed this record in QuickBooks after Ledgerlink last read it. Sending it again compares both versions and keeps their change where it does not clash with yours.",
  auth: "Ledgerlink's connection to QuickBooks has expired or was revoked. Nothing is lost: reconnect, and everything waiting is sent.",
  throttled:
    "QuickBooks asked Ledgerlink to slow down. Nothing is wrong with the record; it is sent again on the next sync.",
  transient:
    "QuickBooks or the network failed for a moment. Nothing is wrong with the record; it is sent again on the next sync.",
  other: "QuickBooks refused this record. Its own message is shown with the error.",
};

const qboCodeExplanation: Record<string, (name: string) => string> = {
  "6240": (name) =>
    `QuickBooks already has a customer, supplier or employee called "${name}", and it allows each name only once. If it is the same customer, link this record to it; if it is a different one, rename this one (a middle initial or the street address is what people usually add).`,
  "6140": () =>
    "QuickBooks already has a document with this number. If it is the same document, link them; if not, give this one another number.",
  "5010": () => categoryExplanation.stale,
  "610": () =>
    "QuickBooks no longer has something this record points to (it was deleted or merged there). Choose another one, or send the record again once it is back.",
  "2500": () =>
    "This record points to something QuickBooks does not know (an id that is not there, or inactive). Choose another one, or make it active again in QuickBooks.",
  "2020": () => "A field QuickBooks requires is empty. Fill it in and send the record again.",
  "2050": () => "A field is longer than QuickBooks allows. Shorten it and send the record again.",
  "2040": () =>
    "A field holds characters QuickBooks refuses (a colon, tab, line break or curly quote). Correct it and send the record again.",
  "6210": () => categoryExplanation["closed-period"],
};

/** Rules whose problem is not what their category alone says. */
const ruleExplanation: Record<string, string> = {
  "dependency.blocked":
    "This record waits for another one it refers to (its parent, customer or item), which cannot be sent until its own problem is fixed. Fix that one first; this one follows on the next sync.",
  "customer.display-name-duplicate-in-app":
    "Two records in the app have the same name, and QuickBooks allows each name only once. If they are the same customer, merge them; if not, give one of them a different name.",
  "document.docnumber-duplicate-in-app":
    "Two documents in the app have the same number, and QuickBooks allows each number once. Give one of them another number.",
};

export function explain(p: ProblemRow, recordName: string | null): string {
  if (p.source === "review") {
    const reasons = p.review?.reasons.length ? ` (${p.review.reasons.join(", ")})` : "";
    return `This customer looks like a customer already in QuickBooks${reasons}, but not surely enough to link them without asking. If they are the same customer, link them; if not, say so and it will be created as a new customer.`;
  }
  const category = (p.category in categoryExplanation ? p.category : "other") as ErrorCategory;
  if (p.source === "qbo") {
    const byCode = p.code === null ? undefined : qboCodeExplanation[p.code];
    return byCode ? byCode(recordName ?? p.ref) : categoryExplanation[category];
  }
  const general = (p.rule !== null ? ruleExplanation[p.rule] : undefined) ?? categoryExplanation[category];
  return p.detail ? `${general} The rule: ${p.detail}` : general;
}

/** What each fix needs a person to supply when the finding did not (a name, the QBO record to use...). */
function requiredParams(action: ErrorFixAction, params: Record<string, unknown>): string[] {
  const need = (...keys: string[]) => keys.filter((k) => params[k] === undefined);
  switch (action) {
    case "rename":
      return need("value");
    case "link":
      return need("qboId");
    case "merge":
      return need("survivorId");
    case "map-item":
      return [
        ...need("qboId"),
        ...(params["itemId"] === undefined && params["line"] === undefined ? ["itemId"] : []),
      ];
    case "reactivate":
      return need("entity", "qboId");
    case "map-account":
    case "edit-field":
    case "renumber":
    case "change-date":
    case "fix-unit-price":
    case "fix-amount":
      return need("field", "value");
    case "replace-characters":
    case "trim-spaces":
      return need("field", "value");
    case "shorten-docnumber":
      return need("value");
    default:
      return [];
  }
}

/** The fix actions `POST errors/:id/fix` carries out (the others are done in QBO or the app). */
export const executableFixActions: ReadonlySet<ErrorFixAction> = new Set<ErrorFixAction>([
  "rename",
  "link",
  "merge",
  "reactivate",
  "map-item",
  "map-account",
  "edit-field",
  "renumber",
  "change-date",
  "fix-unit-price",
  "fix-amount",
  "replace-characters",
  "trim-spaces",
  "shorten-docnumber",
  "let-qbo-number",
  "auto-repair",
  "requeue",
  "accept-match",
  "reject-match",
  "create-new",
  "mark-qbo-inactive",
]);

function button(
  action: ErrorFixAction,
  label: string,
  params: Record<string, string | number | boolean>,
  safe = false,
  href?: string,
): ErrorFixDto {
  return {
    action,
    label,
    params,
    requires: requiredParams(action, params),
    safe,
    executable: executableFixActions.has(action),
    ...(href === undefined ? {} : { href }),
  };
}

/** The fixes a problem offers, in the order the console shows them. */
export function fixesFor(p: ProblemRow, companyId: string): ErrorFixDto[] {
  const isCustomer = p.ref.startsWith("C:");
  if (p.source === "review" && p.review) {
    return [
      button("accept-match", "Same customer: link them", { qboId: p.review.qboId }),
      button("create-new", "Different customer: create it as new in QuickBooks", {}),
      button("reject-match", "Not this one: never suggest the pair again", { qboId: p.review.qboId }),
      button("link", "Link it to another QuickBooks customer", {}),
      button("mark-qbo-inactive", "The QuickBooks one is a duplicate: make it inactive", {
        qboId: p.review.qboId,
      }),
    ];
  }
  if (p.source === "preflight") {
    const out = p.fixes.map((f) => button(f.action, f.label, { ...f.params }, f.safe));
    if (out.some((f) => f.safe)) out.unshift(button("auto-repair", "Apply the safe fix", {}, true));
    return out;
  }
  // A QBO fault at run time.
  const requeue = button("requeue", "Send it again on the next sync", {});
  switch (p.category) {
    case "duplicate":
      if (p.code === "6240" && isCustomer)
        return [
          button("rename", "Rename it in the app", { field: "displayName" }),
          button("link", "It is the same customer: link it to the one in QuickBooks", {}),
          requeue,
        ];
      return [button("renumber", "Give it another number", { field: "docNumber" }), requeue];
    case "auth":
      return [
        button(
          "reconnect",
          "Reconnect to QuickBooks",
          {},
          false,
          `/api/v1/companies/${companyId}/connection/connect`,
        ),
      ];
    case "invalid-data":
      return [
        button("edit-field", "Correct the field in the app", p.element ? { field: p.element } : {}),
        requeue,
      ];
    case "closed-period":
      return [button("change-date", "Change the date", { field: "txnDate" }), requeue];
    default:
      return [requeue];
  }
}
