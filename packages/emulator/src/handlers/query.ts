import type { Handler } from "hono";
import { faults } from "../fault.js";
import { handleFaults, jsonResponse } from "../http-response.js";
import { runQuery } from "../query/execute.js";
import { readBodyText } from "../request-body.js";
import type { EmulatorEnv } from "../state.js";

/** `GET /query?query=...` or `POST /query` with the query as an application/text body. */
export const query: Handler<EmulatorEnv> = (c) => {
  const realm = c.get("realm");
  return handleFaults(realm, async () => {
    const source = c.req.method === "GET" ? c.req.query("query") : await readBodyText(c);
    if (source === undefined || source.trim() === "")
      throw faults.invalidQuery("QueryParserError: the query is empty");
    return jsonResponse(200, { QueryResponse: runQuery(realm, source), time: realm.timestamp() });
  });
};
