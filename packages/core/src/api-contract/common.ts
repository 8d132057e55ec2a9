import { z } from "zod";
import { errorCategories } from "../error-category.js";

/**
 * What the OpenAPI document is built from: every schema registered here gets a name under
 * `components.schemas`, so the document and the dashboard's types come from the same zod values.
 */
export const apiRegistry = z.registry<{ id: string; description?: string }>();

/** Registers `schema` under `id` (a component name in the OpenAPI document) and returns it. */
export function named<T extends z.ZodType>(id: string, schema: T, description?: string): T {
  apiRegistry.add(schema, description === undefined ? { id } : { id, description });
  return schema;
}

/** The one error envelope every endpoint answers with on failure. */
export const apiErrorSchema = named(
  "ApiError",
  z.object({
    error: z.object({
      /** Machine-readable: `invalid_request`, `not_found`, `sync_running`... */
      code: z.string(),
      message: z.string(),
      /** For a 400: `{ field }`, the input at fault (`limit`, `body.refs[3]`); for others, what helps. */
      details: z.unknown().optional(),
    }),
  }),
  "The error envelope: a 400 names the field at fault in details.field",
);
export type ApiErrorResponse = z.infer<typeof apiErrorSchema>;

/** `C:1042`, `ITEM:12`, `INV:77`, `CM:5`, `PMT:9`, `ACCT:33`: the references office staff use. */
export const recordRefSchema = named(
  "RecordRef",
  z
    .string()
    .regex(/^(C|ITEM|ACCT|INV|CM|PMT):\S(.*\S)?$/, "a record reference such as C:1042 or INV:77")
    .max(200),
  "A record reference: kind prefix, colon, the app's id (C:1042, INV:77)",
);

export const recordKindSchema = named(
  "RecordKind",
  z.enum(["customer", "item", "account", "invoice", "creditMemo", "payment"]),
);

export const errorCategorySchema = named("ErrorCategory", z.enum(errorCategories));

/** `limit` (1–500, default 50) and an opaque `cursor` from the previous page's `nextCursor`. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().min(1).max(500).optional(),
});
export type PageQuery = z.infer<typeof pageQuery>;

/** A page of a list: `nextCursor` is null on the last page. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** Path parameters. */
export const companyParams = z.object({ companyId: z.string().min(1).max(200) });
export const companyRefParams = companyParams.extend({ ref: recordRefSchema });
export const companyIdParams = companyParams.extend({ id: z.string().min(1).max(200) });

/** A QBO fault or other failure as the engine classified it. */
export const failureSchema = named(
  "Failure",
  z.object({
    category: errorCategorySchema,
    message: z.string(),
    code: z.string().optional(),
    detail: z.string().optional(),
    element: z.string().optional(),
  }),
);

/** Optional header naming who acts (kept in the audit log); "api" when absent. */
export const actorHeader = "x-ledgerlink-actor";
