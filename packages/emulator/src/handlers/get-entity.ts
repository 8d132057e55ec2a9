import type { Handler } from "hono";
import { entityDef } from "../entities/registry.js";
import { faults } from "../fault.js";
import { faultResponse, jsonResponse } from "../http-response.js";
import { renderEntity } from "../render-entity.js";
import type { EmulatorEnv } from "../state.js";

/** `GET /v3/company/{realm}/{entity}/{id}`, and `GET .../preferences` for the singletons. */
export const getEntity: Handler<EmulatorEnv> = (c) => {
  const realm = c.get("realm");
  const def = entityDef(c.req.param("entity") ?? "");
  if (!def)
    return faultResponse(realm, faults.unsupportedOperation(`Unsupported entity ${c.req.param("entity")}`));
  // Singletons have one record (Id 1); CompanyInfo is read by the realm id, Preferences without an id.
  const rawId = c.req.param("id");
  const id = def.kind === "singleton" ? "1" : rawId;
  if (id === undefined) return faultResponse(realm, faults.required("Id"));
  const record = realm.table(def.name).get(id);
  if (!record) return faultResponse(realm, faults.objectNotFound(`${def.name} Id=${id} does not exist`));
  return jsonResponse(200, { [def.name]: renderEntity(realm, def, record), time: realm.timestamp() });
};
