import { formatMoney } from "../money.js";
import { docNumberKey, nextFreeDocNumber, shortenDocNumber } from "../repair/shorten-doc-number.js";
import { fix } from "./finding.js";
import { charLength } from "./name-rules.js";
import { qboLimits, qboRules } from "./qbo-rules.js";
import type { QboDocumentSnapshot } from "./qbo-snapshot.js";
import type { SalesDocument, ValidationContext } from "./validation-context.js";

const qboType = (d: SalesDocument): "Invoice" | "CreditMemo" =>
  d.kind === "invoice" ? "Invoice" : "CreditMemo";
const noun = (type: "Invoice" | "CreditMemo"): string => (type === "Invoice" ? "invoice" : "credit memo");

/**
 * DocNumbers: at most 21 characters, unique across invoices *and* credit memos in QBO and in the
 * app; with custom transaction numbers off QBO numbers the document itself.
 */
export function checkDocNumbers(ctx: ValidationContext): void {
  const isTaken = (n: string): boolean => ctx.takenDocNumbers.has(docNumberKey(n));
  /** A free number for a renumber fix, reserved so no other fix in this pass proposes it too. */
  const claimFreeNumber = (docNumber: string): string => {
    const free = nextFreeDocNumber(docNumber, isTaken);
    ctx.takenDocNumbers.add(docNumberKey(free));
    return free;
  };
  const firstByKey = new Map<string, SalesDocument>();
  for (const d of ctx.documents) {
    const docNumber = d.record.docNumber;
    if (docNumber === undefined) continue;
    const links = d.kind === "invoice" ? ctx.invoiceLinks : ctx.creditMemoLinks;
    const linked = links.get(d.record.id);

    if (!ctx.snapshot.preferences.customTxnNumbers) {
      if (linked !== undefined) continue; // QBO already numbered it
      ctx.add({
        ref: d.ref,
        category: "invalid-data",
        severity: "warns",
        field: "docNumber",
        message: `Custom transaction numbers are turned off in QuickBooks, so QuickBooks will give this ${noun(qboType(d))} its own number instead of "${docNumber}".`,
        rule: qboRules.numberingMode,
        fixes: [
          fix("let-qbo-number", "Let QuickBooks number it", { field: "docNumber" }, true),
          fix(
            "turn-on-custom-numbers",
            "Turn on custom transaction numbers in QuickBooks (Account and Settings > Sales)",
            {},
          ),
        ],
      });
      continue;
    }

    const key = docNumberKey(docNumber);
    if (docNumber.length > qboLimits.docNumber && charLength(docNumber) > qboLimits.docNumber) {
      // Once sent, the shortened number is in QBO as this document's own: it is not taken, or the next
      // plan would pick another one and update the document on every sync.
      const own =
        linked === undefined
          ? undefined
          : ctx.snapshot.documents.find((o) => o.type === qboType(d) && o.id === linked)?.docNumber;
      const ownKey = own === undefined ? undefined : docNumberKey(own);
      const shortened = shortenDocNumber(docNumber, (n) => isTaken(n) && docNumberKey(n) !== ownKey);
      ctx.takenDocNumbers.add(docNumberKey(shortened)); // a later long number must not get the same one
      ctx.add({
        ref: d.ref,
        category: "invalid-data",
        severity: "blocks",
        field: "docNumber",
        message: `The number "${docNumber}" is ${charLength(docNumber)} characters long; QuickBooks allows at most ${qboLimits.docNumber}.`,
        rule: qboRules.docNumberLength,
        fixes: [
          fix(
            "shorten-docnumber",
            `Shorten it to "${shortened}" (the original is kept in the audit log)`,
            { field: "docNumber", value: shortened },
            true,
          ),
          fix("renumber", "Give it a shorter number in the app", { field: "docNumber" }),
        ],
      });
      continue;
    }

    const sameNumber = ctx.documentsByDocKey.get(key);
    const others =
      sameNumber === undefined ? [] : sameNumber.filter((q) => !(q.type === qboType(d) && q.id === linked));
    if (others.length > 0) {
      const other = others[0]!;
      const same = isSameDocument(ctx, d, other);
      const renumbered = claimFreeNumber(docNumber);
      ctx.add({
        ref: d.ref,
        category: "duplicate",
        severity: "blocks",
        field: "docNumber",
        message: same
          ? `QuickBooks already has ${noun(other.type)} ${docNumber} (TxnId ${other.id}) for the same customer, date and amount — probably entered by hand. Sending it would record it twice.`
          : `The number ${docNumber} is already used in QuickBooks by a different ${noun(other.type)} (TxnId ${other.id}, ${formatMoney(other.total)} on ${other.txnDate}).`,
        rule: qboRules.docNumberInQbo,
        fixes: same
          ? [
              fix(
                "link",
                `It is the same ${noun(other.type)}: link it to QuickBooks ${noun(other.type)} ${other.id}`,
                { entity: other.type, qboId: other.id },
              ),
              fix("renumber", `It is a different one: number it "${renumbered}"`, {
                field: "docNumber",
                value: renumbered,
              }),
            ]
          : [
              fix("renumber", `Number it "${renumbered}"`, { field: "docNumber", value: renumbered }),
              fix("remove-in-qbo", `Remove the duplicate ${noun(other.type)} ${other.id} in QuickBooks`, {
                entity: other.type,
                qboId: other.id,
              }),
              fix("allow-duplicate-docnumber", "Send it with the same number anyway", {}),
            ],
      });
      continue;
    }

    const first = firstByKey.get(key);
    if (first === undefined) {
      firstByKey.set(key, d);
      continue;
    }
    const renumbered = claimFreeNumber(docNumber);
    ctx.add({
      ref: d.ref,
      category: "duplicate",
      severity: "blocks",
      field: "docNumber",
      message: `The number ${docNumber} is also used by ${first.ref} in the app; QuickBooks needs each invoice and credit memo to have its own number.`,
      rule: qboRules.docNumberInApp,
      fixes: [fix("renumber", `Number it "${renumbered}"`, { field: "docNumber", value: renumbered })],
    });
  }
}

/** Made by hand in QBO? Same type, customer, date and total as the app's document. */
function isSameDocument(ctx: ValidationContext, d: SalesDocument, q: QboDocumentSnapshot): boolean {
  return (
    q.type === qboType(d) &&
    q.txnDate === d.record.txnDate &&
    q.total === ctx.totalOf(d.record) &&
    q.customerId === ctx.qboCustomerIdFor(d.record.customerId)
  );
}
