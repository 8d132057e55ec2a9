import type { Handler } from "hono";
import { openApiDocument } from "../api-openapi.js";

/** `GET /api/openapi.json`: the OpenAPI 3.1 document of the HTTP API, from the contract's zod schemas. */
export const getOpenApi = (): Handler => {
  let doc: ReturnType<typeof openApiDocument> | undefined;
  return (c) => c.json((doc ??= openApiDocument()));
};
