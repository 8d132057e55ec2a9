import type { Context, Handler } from "hono";
import type { z } from "zod";
import { ApiError } from "./api-error.js";
import { actorOf, asApiError, parseInput, readJson } from "./api-input.js";
import type { AppDeps } from "./app-deps.js";
import { companyParam } from "./company-param.js";
import { logger } from "./logger.js";
import type { SyncEventHub } from "./sync-event-hub.js";
import type { SyncService } from "./sync-service.js";

/** What the API's handlers need: the app's dependencies plus the sync service and its event hub. */
export interface ApiDeps extends AppDeps {
  syncService: SyncService;
  events: SyncEventHub;
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface ApiInput<P, Q, B> {
  c: Context;
  companyId: string;
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
  /** Who acts (header `x-ledgerlink-actor`), for the audit log. */
  actor: string;
  /** Now, as the store records it. */
  at: string;
}

/**
 * A handler of the company API: the company must exist (404), then the path, query and body are
 * validated with the contract's schemas (400 naming the field), then `fn` runs; store and engine
 * refusals become 404 / 409 in the one error envelope.
 */
export function apiHandler<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(
  deps: ApiDeps,
  spec: { params?: P; query?: Q; body?: B },
  fn: (input: ApiInput<P, Q, B>) => Promise<Response>,
): Handler {
  return async (c) => {
    try {
      const companyId = await companyParam(c, deps);
      const params = (spec.params ? parseInput(spec.params, c.req.param(), "path") : undefined) as Out<P>;
      const query = (spec.query ? parseInput(spec.query, c.req.query(), "query") : undefined) as Out<Q>;
      const body = (spec.body ? parseInput(spec.body, await readJson(c), "body") : undefined) as Out<B>;
      return await fn({
        c,
        companyId,
        params,
        query,
        body,
        actor: actorOf(c),
        at: deps.clock.now().toISOString(),
      });
    } catch (err) {
      const mapped = asApiError(err);
      if (!(mapped instanceof ApiError)) {
        // The envelope says nothing of internals (they may hold secrets); the log keeps what happened.
        const e = err instanceof Error ? err : new Error(String(err));
        (deps.logger ?? logger).error({ err: e, method: c.req.method, path: c.req.path }, "request failed");
      }
      throw mapped;
    }
  };
}
