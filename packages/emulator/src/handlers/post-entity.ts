import type { Handler } from "hono";
import type { QboObject } from "../entities/entity-def.js";
import { entityDef } from "../entities/registry.js";
import { faults } from "../fault.js";
import { faultResponse, handleFaults, jsonResponse, readJsonBody, withRequestId } from "../http-response.js";
import type { EmulatorEnv } from "../state.js";
import { writeEntity, type WriteOperation } from "../write-entity.js";

const OPERATIONS: readonly WriteOperation[] = ["create", "update", "delete", "void"];

/** `POST /v3/company/{realm}/{entity}[?operation=update|delete|void]`: create, update, delete, void. */
export const postEntity: Handler<EmulatorEnv> = async (c) => {
  const realm = c.get("realm");
  const def = entityDef(c.req.param("entity") ?? "");
  if (!def)
    return faultResponse(realm, faults.unsupportedOperation(`Unsupported entity ${c.req.param("entity")}`));
  const op = (c.req.query("operation") ?? "create").toLowerCase() as WriteOperation;
  const include = (c.req.query("include") ?? "").toLowerCase().split(",");
  return withRequestId(c, realm, `${def.name}:${op}`, () =>
    handleFaults(realm, async () => {
      if (!OPERATIONS.includes(op)) throw faults.unsupportedOperation(`Unknown operation ${op}`);
      const body = (await readJsonBody(c)) as QboObject;
      const record = writeEntity(
        { realm, allowDuplicateDocNum: include.includes("allowduplicatedocnum") },
        def,
        // QBO voids an invoice through operation=update&include=void as well as operation=void.
        op === "update" && include.includes("void") ? "void" : op,
        body,
      );
      return jsonResponse(200, { [def.name]: record, time: realm.timestamp() });
    }),
  );
};
