import type { Address } from "../customer.js";
import type { RecordRef } from "../record-ref.js";
import { fix } from "./finding.js";
import { charLength } from "./name-rules.js";
import { qboLimits, qboRules } from "./qbo-rules.js";
import type { ValidationContext } from "./validation-context.js";

/** `field` and `label` may be thunks: most values are within limits, so their text is rarely needed. */
type Lazy = string | (() => string);
const text = (v: Lazy): string => (typeof v === "string" ? v : v());

function checkLength(
  ctx: ValidationContext,
  ref: RecordRef,
  fieldName: Lazy,
  labelText: Lazy,
  value: string | undefined,
  max: number,
): void {
  if (value === undefined || value.length <= max) return;
  const length = charLength(value);
  if (length <= max) return;
  const field = text(fieldName);
  const label = text(labelText);
  ctx.add({
    ref,
    category: "invalid-data",
    severity: "blocks",
    field,
    message: `The ${label} is ${length} characters long; QuickBooks allows at most ${max}.`,
    rule: qboRules.length,
    fixes: [fix("edit-field", `Shorten the ${label} to ${max} characters or fewer`, { field, max })],
  });
}

const addressLimits: [keyof Address, string, number][] = [
  ["line1", "address line 1", qboLimits.addressLine],
  ["line2", "address line 2", qboLimits.addressLine],
  ["city", "city", qboLimits.city],
  ["region", "state or region", qboLimits.region],
  ["postalCode", "postal code", qboLimits.postalCode],
  ["country", "country", qboLimits.country],
];

function checkAddress(
  ctx: ValidationContext,
  ref: RecordRef,
  which: "billingAddress" | "shippingAddress",
  address: Address,
): void {
  for (const [key, label, max] of addressLimits)
    checkLength(
      ctx,
      ref,
      () => `${which}.${key}`,
      () => `${label} of the ${which === "billingAddress" ? "billing" : "shipping"} address`,
      address[key],
      max,
    );
}

/** Length limits of contact details, notes, memos, descriptions and references; email shape. */
export function checkFieldLengths(ctx: ValidationContext): void {
  for (const c of ctx.customers) {
    const ref = ctx.ref("customer", c.id);
    if (c.email !== undefined) {
      checkLength(ctx, ref, "email", "email address", c.email, qboLimits.email);
      if (!c.email.includes("@") || !c.email.includes(".")) {
        ctx.add({
          ref,
          category: "invalid-data",
          severity: "blocks",
          field: "email",
          message: `The email address "${c.email}" is not an email address QuickBooks accepts (it needs an @ and a dot).`,
          rule: qboRules.email,
          fixes: [fix("edit-field", "Correct the email address in the app", { field: "email" })],
        });
      }
    }
    checkLength(ctx, ref, "phone", "phone number", c.phone, qboLimits.phone);
    checkLength(ctx, ref, "mobile", "mobile number", c.mobile, qboLimits.phone);
    checkLength(ctx, ref, "notes", "notes", c.notes, qboLimits.notes);
    if (c.billingAddress !== undefined) checkAddress(ctx, ref, "billingAddress", c.billingAddress);
    if (c.shippingAddress !== undefined) checkAddress(ctx, ref, "shippingAddress", c.shippingAddress);
  }
  for (const item of ctx.items) {
    const ref = ctx.ref("item", item.id);
    checkLength(ctx, ref, "sku", "SKU", item.sku, qboLimits.sku);
    checkLength(ctx, ref, "description", "description", item.description, qboLimits.itemDescription);
  }
  for (const d of ctx.documents) {
    checkLength(ctx, d.ref, "memo", "message to the customer", d.record.memo, qboLimits.customerMemo);
    d.record.lines.forEach((line, i) =>
      checkLength(
        ctx,
        d.ref,
        () => `lines[${i}].description`,
        () => `description of line ${i + 1}`,
        line.description,
        qboLimits.lineDescription,
      ),
    );
  }
  for (const p of ctx.payments)
    if (p.reference !== undefined && p.reference.length > qboLimits.paymentReference)
      checkLength(
        ctx,
        ctx.ref("payment", p.id),
        "reference",
        "payment reference",
        p.reference,
        qboLimits.paymentReference,
      );
}
