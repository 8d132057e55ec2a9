import type { Handler } from "hono";

/** Liveness: the process answers. */
export const getHealth = (): Handler => (c) => c.json({ ok: true });
