import { z } from "zod";
import { compact } from "./compact.js";
import { exactDecimalSchema, type DecimalString } from "./exact-decimal.js";
import { flagSchema, optionalText, recordIdSchema, requiredText, withDefault } from "./text-field.js";

/** The item types the app may send (QBO's Group and Category are QBO-side constructs). */
export const itemTypes = ["Service", "Inventory", "NonInventory"] as const;
export type ItemType = (typeof itemTypes)[number];

/** A product or service as the business app sends it. */
export interface ItemRecord {
  id: string;
  name: string;
  sku?: string;
  type: ItemType;
  description?: string;
  /** Sales price per unit, exact. */
  unitPrice?: DecimalString;
  /** The QBO income account, by its full name (`Income:Services`) or its name. */
  incomeAccount?: string;
  active: boolean;
}

export const itemRecordSchema = z
  .strictObject({
    id: recordIdSchema,
    name: requiredText,
    sku: optionalText,
    type: withDefault(z.enum(itemTypes, { error: `must be one of ${itemTypes.join(", ")}` }), "Service"),
    description: optionalText,
    unitPrice: z.preprocess((v) => (v === "" || v === null ? undefined : v), exactDecimalSchema.optional()),
    incomeAccount: optionalText,
    active: withDefault(flagSchema, true),
  })
  .transform((i): ItemRecord => compact(i));
