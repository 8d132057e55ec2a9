import type { Handler } from "hono";
import { apiDocsPage } from "../api-docs-page.js";
import { openApiDocument } from "../api-openapi.js";

/** `GET /api/docs`: the API's human docs, rendered from the OpenAPI document (offline, no script). */
export const getApiDocs = (): Handler => (c) => c.html(apiDocsPage(openApiDocument()));
