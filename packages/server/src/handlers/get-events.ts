import { companyParams, eventsQuery } from "@ledgerlink/core";
import type { Handler } from "hono";
import { streamSSE } from "hono/streaming";
import { apiHandler, type ApiDeps } from "../api-handler.js";
import type { HubMessage } from "../sync-event-hub.js";

/** How often a comment line keeps idle connections (and proxies) open. */
const keepAliveMs = 15_000;

/**
 * `GET /api/v1/companies/:companyId/events`: the company's sync events as Server-Sent Events. With
 * Last-Event-ID (or `?after=`), what was missed comes first.
 */
export const getEvents = (deps: ApiDeps): Handler =>
  apiHandler(deps, { params: companyParams, query: eventsQuery }, async ({ c, companyId, query }) => {
    const last = Number(c.req.header("last-event-id") ?? "");
    const afterId =
      Number.isInteger(last) && last >= 0 && c.req.header("last-event-id") !== undefined ? last : undefined;
    const types = query.types === undefined ? undefined : new Set<string>(query.types);
    return streamSSE(c, async (stream) => {
      const queue: HubMessage[] = [];
      let wake: (() => void) | undefined;
      const unsubscribe = deps.events.subscribe(
        companyId,
        (m) => {
          if (types !== undefined && !types.has(m.event.type)) return;
          queue.push(m);
          wake?.();
        },
        afterId,
      );
      let closed = false;
      stream.onAbort(() => {
        closed = true;
        wake?.();
      });
      try {
        await stream.writeSSE({ event: "ready", data: JSON.stringify({ companyId }), retry: 2000 });
        while (!closed) {
          const m = queue.shift();
          if (m !== undefined) {
            await stream.writeSSE({ id: String(m.id), event: m.event.type, data: JSON.stringify(m.event) });
            continue;
          }
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, keepAliveMs);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wake = undefined;
          if (queue.length === 0 && !closed) await stream.write(": keep-alive\n\n");
        }
      } finally {
        unsubscribe();
      }
    });
  });
