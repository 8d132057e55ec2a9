import { z } from "zod";
import type { Address, Customer } from "../customer.js";
import { compact } from "./compact.js";
import { flagSchema, optionalRecordId, optionalText, recordIdSchema, withDefault } from "./text-field.js";

const addressSchema = z
  .strictObject({
    line1: optionalText,
    line2: optionalText,
    city: optionalText,
    region: optionalText,
    postalCode: optionalText,
    country: optionalText,
  })
  .transform((a): Address => compact(a));

const optionalAddress = z.preprocess((v) => (v === null ? undefined : v), addressSchema.optional());

/**
 * QBO builds a missing DisplayName from the name parts (QBO-API.md); we do the same up front so the
 * name we validate and match on is the name QBO will store. A company name is the last resort.
 */
function derivedDisplayName(c: {
  title?: string | undefined;
  givenName?: string | undefined;
  middleName?: string | undefined;
  familyName?: string | undefined;
  suffix?: string | undefined;
  companyName?: string | undefined;
}): string | undefined {
  const parts = [c.title, c.givenName, c.middleName, c.familyName, c.suffix].filter(
    (p): p is string => p !== undefined && p.trim() !== "",
  );
  if (parts.length > 0) return parts.join(" ");
  return c.companyName;
}

/**
 * A customer as the business app sends it: a person or a company, or a job/site under a parent
 * (`parentId`, the app's id of the parent). The output is the planner's `Customer`.
 */
export const customerRecordSchema = z
  .strictObject({
    id: recordIdSchema,
    parentId: optionalRecordId,
    displayName: optionalText,
    companyName: optionalText,
    title: optionalText,
    givenName: optionalText,
    middleName: optionalText,
    familyName: optionalText,
    suffix: optionalText,
    email: optionalText,
    phone: optionalText,
    mobile: optionalText,
    billingAddress: optionalAddress,
    shippingAddress: optionalAddress,
    notes: optionalText,
    active: withDefault(flagSchema, true),
  })
  .transform((c, ctx): Customer => {
    const displayName = c.displayName ?? derivedDisplayName(c);
    if (displayName === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["displayName"],
        message: "is required: give a display name, a person's name or a company name",
      });
      return z.NEVER;
    }
    return compact({ ...c, displayName });
  });

export type CustomerRecord = Customer;
