import type { Handler } from "hono";
import type { AppDeps } from "../app-deps.js";
import { readStatus } from "../status.js";

/** Connection, counts and the last run of the configured company. */
export const getStatus =
  (deps: AppDeps): Handler =>
  async (c) =>
    c.json(await readStatus(deps));
