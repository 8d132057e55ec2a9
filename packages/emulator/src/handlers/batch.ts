import type { Handler } from "hono";
import type { EntityDef, QboObject } from "../entities/entity-def.js";
import { entityDef } from "../entities/registry.js";
import { QboFault, faults } from "../fault.js";
import { handleFaults, jsonResponse, readJsonBody, withRequestId } from "../http-response.js";
import { runQuery } from "../query/execute.js";
import type { Realm } from "../realm.js";
import type { EmulatorEnv } from "../state.js";
import { writeEntity, type WriteOperation } from "../write-entity.js";

/** QBO's cap on items per batch call. */
export const MAX_BATCH_ITEMS = 30;

const OPERATIONS: readonly string[] = ["create", "update", "delete", "void"];

function itemEntity(item: QboObject): { def: EntityDef; body: QboObject } | undefined {
  for (const [key, value] of Object.entries(item)) {
    const def = entityDef(key);
    if (def && def.name === key && value !== null && typeof value === "object")
      return { def, body: value as QboObject };
  }
  return undefined;
}

function runItem(realm: Realm, item: QboObject): QboObject {
  if (typeof item["Query"] === "string") return { QueryResponse: runQuery(realm, item["Query"]) };
  const target = itemEntity(item);
  if (!target)
    throw faults.malformedRequest("A batch item needs an entity object (e.g. Customer) or a Query");
  const operation = String(item["operation"] ?? "").toLowerCase();
  if (!OPERATIONS.includes(operation)) throw faults.required("operation");
  const options = String(item["optionsData"] ?? "").toLowerCase();
  const record = writeEntity(
    { realm, allowDuplicateDocNum: options.includes("allowduplicatedocnum") },
    target.def,
    operation as WriteOperation,
    target.body,
  );
  return { [target.def.name]: record };
}

/**
 * `POST /batch`: up to 30 independent items, each with its own result or fault (HTTP 200 either
 * way). Records created by one item are invisible to the others, as in QBO.
 */
export const batch: Handler<EmulatorEnv> = async (c) => {
  const realm = c.get("realm");
  return withRequestId(c, realm, "batch", () =>
    handleFaults(realm, async () => {
      const body = (await readJsonBody(c)) as { BatchItemRequest?: unknown };
      const items = body?.BatchItemRequest;
      if (!Array.isArray(items) || items.length === 0) throw faults.required("BatchItemRequest");
      if (items.length > MAX_BATCH_ITEMS)
        throw faults.businessRule(
          `A batch can hold at most ${MAX_BATCH_ITEMS} items; this one has ${items.length}`,
          "BatchItemRequest",
        );
      const hidden = new Set<string>();
      realm.batchHidden = hidden;
      const responses: QboObject[] = [];
      try {
        for (const raw of items as QboObject[]) {
          const bId = raw?.["bId"];
          try {
            if (raw === null || typeof raw !== "object")
              throw faults.malformedRequest("A batch item must be an object");
            const result = runItem(realm, raw);
            const entity = itemEntity(raw);
            if (entity && raw["operation"] === "create") {
              const created = result[entity.def.name] as QboObject;
              hidden.add(`${entity.def.name}:${String(created["Id"])}`);
            }
            responses.push({ ...result, bId });
          } catch (err) {
            if (!(err instanceof QboFault)) throw err;
            responses.push({ Fault: err.toJSON(), bId });
          }
        }
      } finally {
        realm.batchHidden = undefined;
      }
      return jsonResponse(200, { BatchItemResponse: responses, time: realm.timestamp() });
    }),
  );
};
