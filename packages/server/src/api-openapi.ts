import { actorHeader, apiErrorSchema, apiRegistry, apiRoutes, type ApiRoute } from "@ledgerlink/core";
import { z } from "zod";

type JsonSchema = Record<string, unknown>;

const ref = (id: string) => `#/components/schemas/${id}`;

/** A schema as JSON Schema (2020-12, what OpenAPI 3.1 uses), named components referenced by $ref. */
function schemaOf(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const id = apiRegistry.get(schema)?.id;
  if (id !== undefined) return { $ref: ref(id) };
  const out = z.toJSONSchema(schema, { io, unrepresentable: "any", metadata: apiRegistry }) as JsonSchema;
  // Named schemas inside come out as local $defs; they are components of the document already.
  delete out["$schema"];
  delete out["$defs"];
  return toComponentRefs(out) as JsonSchema;
}

function toComponentRefs(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toComponentRefs);
  if (v === null || typeof v !== "object") return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v))
    out[k] =
      k === "$ref" && typeof x === "string"
        ? x.replace(/^#\/\$defs\//, "#/components/schemas/")
        : toComponentRefs(x);
  return out;
}

function parametersOf(route: ApiRoute): JsonSchema[] {
  const out: JsonSchema[] = [];
  const add = (where: "path" | "query", obj: z.ZodObject | undefined) => {
    if (!obj) return;
    const js = schemaOf(obj, "input");
    const props = (js["properties"] ?? {}) as Record<string, JsonSchema>;
    const required = new Set((js["required"] ?? []) as string[]);
    for (const [name, schema] of Object.entries(props)) {
      const { description, ...rest } = schema as { description?: string };
      out.push({
        name,
        in: where,
        required: where === "path" || required.has(name),
        schema: rest,
        ...(description === undefined ? {} : { description }),
      });
    }
  };
  add("path", route.params);
  add("query", route.query);
  if (route.method !== "get")
    out.push({
      name: actorHeader,
      in: "header",
      required: false,
      description: "Who acts, for the audit log (default: api)",
      schema: { type: "string", maxLength: 200 },
    });
  return out;
}

const statusText: Record<number, string> = {
  400: "Bad input: details.field names the field at fault",
  404: "The company or the record named does not exist",
  409: "Conflicts with the current state (a sync is running, already linked, already resolved...)",
  503: "QuickBooks could not be reached",
};

/** What any authenticated operation may answer (packages/server/src/auth/authenticate.ts). */
const authStatusText: Record<number, string> = {
  401: "No or a revoked API key, or no session",
  403:
    "The role does not allow it, or (with a session) the x-csrf-token header is missing or wrong, or " +
    "the session's password was set by someone else and must be changed first (password_change_required)",
  429: "Too many requests for this key or user: wait Retry-After seconds",
};

/** The OpenAPI 3.1 document, built from the same zod schemas the handlers validate and answer with. */
export function openApiDocument(): JsonSchema {
  const all = z.toJSONSchema(apiRegistry, { io: "output", unrepresentable: "any", uri: ref }) as {
    schemas: Record<string, JsonSchema>;
  };
  const components: Record<string, JsonSchema> = {};
  for (const [id, s] of Object.entries(all.schemas)) {
    const { $schema: _s, $id: _i, ...rest } = s;
    components[id] = rest;
  }
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of apiRoutes) {
    const responses: Record<string, JsonSchema> = {
      [String(route.success.status)]: {
        description: route.summary,
        content: {
          [route.success.contentType ?? "application/json"]: {
            schema: schemaOf(route.success.schema, "output"),
          },
        },
      },
    };
    for (const status of [...route.errors, 401, 403, 429])
      responses[String(status)] = {
        description: statusText[status] ?? authStatusText[status] ?? "Error",
        content: { "application/json": { schema: { $ref: ref(apiRegistry.get(apiErrorSchema)!.id) } } },
      };
    (paths[route.path] ??= {})[route.method] = {
      operationId: route.operationId,
      tags: [route.tag],
      summary: route.summary,
      ...(route.description === undefined ? {} : { description: route.description }),
      parameters: parametersOf(route),
      ...(route.body === undefined
        ? {}
        : {
            requestBody: {
              // Bodies whose fields are all optional may be left out.
              required: !route.body.safeParse({}).success,
              content: { "application/json": { schema: schemaOf(route.body, "input") } },
            },
          }),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Ledgerlink HTTP API",
      version: "1",
      description:
        "Keeps a business app's records in step with QuickBooks Online. Every list takes `limit` and `cursor` (pass the previous page's `nextCursor`); every failure answers `{ error: { code, message, details } }`.",
    },
    servers: [{ url: "/" }],
    tags: [...new Set(apiRoutes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    // An integrator's API key, or the console's session cookie (with x-csrf-token on changes).
    security: [{ apiKey: [] }, { session: [] }],
    components: {
      schemas: components,
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", description: "An API key: `Authorization: Bearer llk_…`" },
        session: { type: "apiKey", in: "cookie", name: "ll_session", description: "A console session" },
      },
    },
  };
}
