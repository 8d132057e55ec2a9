import {
  fingerprint,
  getField,
  mirroredObjectFrom,
  parseRecords,
  setField,
  type ErrorFixAction,
  type ErrorFixDto,
  type ErrorItemDto,
  type FixResultDto,
  type IncomingKind,
  type MirroredEntity,
  type RecordRef,
} from "@ledgerlink/core";
import type { QboWritableEntity } from "@ledgerlink/qbo";
import {
  RecordEditError,
  ReviewInputError,
  storedKindOfRef,
  type ProblemRow,
  type Store,
} from "@ledgerlink/store";
import { ApiError } from "./api-error.js";
import type { ConnectionService } from "./connection-service.js";
import { qboDisplayNames, fixChoices } from "./errors-view.js";
import { revalidateRecords } from "./record-revalidate.js";
import { refreshMirror } from "./mirror-refresh.js";
import { findingDto } from "./api-dto.js";

export interface FixContext {
  store: Store;
  connections: ConnectionService;
  companyId: string;
  actor: string;
  at: string;
}

export interface FixRequest {
  action: ErrorFixAction;
  params: Record<string, string | number | boolean>;
  preview: boolean;
}

type Params = Record<string, string | number | boolean>;
type Change = FixResultDto["changes"][number];

/** Fixes that set one field of the app's record (value from the finding or the person). */
const fieldEdits: ReadonlySet<ErrorFixAction> = new Set<ErrorFixAction>([
  "edit-field",
  "renumber",
  "change-date",
  "fix-unit-price",
  "fix-amount",
  "replace-characters",
  "trim-spaces",
  "shorten-docnumber",
  "map-account",
  "let-qbo-number",
]);

const linkableEntity: Record<string, MirroredEntity> = {
  item: "Item",
  invoice: "Invoice",
  creditMemo: "CreditMemo",
  payment: "Payment",
};

const bad = (field: string, message: string): ApiError =>
  new ApiError(400, "invalid_request", `${field}: ${message}`, { field, in: "body" });

function text(params: Params, key: string, ref: string): string {
  const v = params[key];
  if (v === undefined || (typeof v === "string" && v.trim() === ""))
    throw bad(`params.${key}`, `${ref}: params.${key} is required for this fix`);
  return String(v);
}

/** What a fix edit did to the record as API errors name it (the record and the field). */
function editError(err: unknown): unknown {
  // The review store names its own inputs (`name`, `qboId`); here they came in as params.
  if (err instanceof ReviewInputError) {
    const field = `params.${err.field === "name" ? "value" : err.field}`;
    return new ApiError(400, "invalid_request", `${field}: ${err.message}`, {
      field,
      in: "body",
      ref: err.ref,
    });
  }
  if (!(err instanceof RecordEditError)) return err;
  if (err.reason === "not-found") return new ApiError(404, "record_not_found", err.message, { ref: err.ref });
  if (err.reason === "qbo-not-found")
    return new ApiError(404, "qbo_object_not_found", err.message, { ref: err.ref, field: "params.qboId" });
  return new ApiError(409, err.reason, err.message, { ref: err.ref });
}

/** One fix carried out, waiting for its records to be validated again. */
type Prepared =
  | { kind: "done"; result: FixResultDto }
  | { kind: "applied"; problem: ProblemRow; action: ErrorFixAction; outcome: Outcome };

/**
 * Carries out (or previews) one fix of one open problem through the store and, for a reactivation, QBO;
 * then validates the record again and, if it is clean, queues it. The fix must be one the problem offers.
 */
export async function applyFix(
  ctx: FixContext,
  problem: ProblemRow,
  item: ErrorItemDto,
  req: FixRequest,
): Promise<FixResultDto> {
  const [only] = await applyFixes(ctx, [{ problem, item, req }]);
  if (!only!.ok) throw only!.error;
  return only!.result;
}

/**
 * Many fixes, in order, each on its own (a refused one is answered with its error and the others go
 * on); the records they touched are validated again together, once, at the end.
 */
export async function applyFixes(
  ctx: FixContext,
  fixes: readonly { problem: ProblemRow; item: ErrorItemDto; req: FixRequest }[],
): Promise<({ ok: true; result: FixResultDto } | { ok: false; error: unknown })[]> {
  const prepared: ({ ok: true; p: Prepared } | { ok: false; error: unknown })[] = [];
  for (const f of fixes) {
    try {
      prepared.push({ ok: true, p: await prepare(ctx, f.problem, f.item, f.req) });
    } catch (err) {
      prepared.push({ ok: false, error: editError(err) });
    }
  }
  const refs = new Set<string>();
  for (const x of prepared)
    if (x.ok && x.p.kind === "applied")
      for (const r of x.p.outcome.revalidate) if (storedKindOfRef(r) !== undefined) refs.add(r);
  const checks = await revalidateRecords(ctx.store, ctx.companyId, [...refs], {
    actor: ctx.actor,
    at: ctx.at,
  });
  return prepared.map((x) => {
    if (!x.ok) return x;
    if (x.p.kind === "done") return { ok: true, result: x.p.result };
    const { problem, action, outcome } = x.p;
    const mine = checks.get(outcome.revalidate[0] ?? problem.ref);
    const resolved = [...outcome.resolved];
    for (const r of outcome.revalidate) resolved.push(...(checks.get(r)?.resolved ?? []));
    if (problem.source === "review" && outcome.closesReview) resolved.push(problem.id);
    const findings = (mine?.findings ?? []).map(findingDto);
    return {
      ok: true,
      result: result(
        problem,
        action,
        true,
        outcome.changes,
        [],
        mine ? { clean: mine.clean, findings } : null,
        mine?.clean ?? false,
        [...new Set(resolved)],
        outcome.message,
      ),
    };
  });
}

async function prepare(
  ctx: FixContext,
  problem: ProblemRow,
  item: ErrorItemDto,
  req: FixRequest,
): Promise<Prepared> {
  if (problem.resolvedAt !== null)
    throw new ApiError(
      409,
      "problem_resolved",
      `Problem ${problem.id} of ${problem.ref} was already resolved`,
      {
        ref: problem.ref,
      },
    );
  let offered = item.fixes.find((f) => f.action === req.action);
  if (offered === undefined)
    throw bad(
      "action",
      `"${req.action}" is not a fix for problem ${problem.id} of ${problem.ref}; it offers ${item.fixes.map((f) => f.action).join(", ") || "none"}`,
    );
  let action = req.action;
  if (action === "auto-repair") {
    const safe = item.fixes.find((f) => f.safe && f.action !== "auto-repair");
    if (safe === undefined) throw bad("action", `${problem.ref}: this problem has no safe fix to apply`);
    offered = safe;
    action = safe.action;
  }
  if (!offered.executable)
    throw new ApiError(
      400,
      "fix_not_executable",
      offered.href
        ? `${problem.ref}: "${action}" is done through ${offered.href}`
        : `${problem.ref}: "${action}" is done in QuickBooks or in the app, not through this API`,
      { field: "action", in: "body", ...(offered.href ? { href: offered.href } : {}) },
    );
  const params: Params = { ...offered.params, ...req.params };
  const missing = offered.requires.filter((k) => req.params[k] === undefined);
  if (req.preview && missing.length > 0) {
    // A fix that still needs a choice: the preview offers the choices (from QBO as it is now).
    await refreshMirror(ctx.store, ctx.connections, ctx.companyId);
    const choices = (await fixChoices(ctx.store, ctx.companyId, item, { ...offered, params })) ?? [];
    return {
      kind: "done",
      result: result(
        problem,
        req.action,
        false,
        [],
        choices,
        null,
        false,
        [],
        `${problem.ref}: choose ${missing.join(", ")}`,
      ),
    };
  }
  const outcome = await execute(ctx, problem, action, params, req.preview, offered);
  if (req.preview)
    return {
      kind: "done",
      result: result(problem, req.action, false, outcome.changes, [], null, false, [], outcome.message),
    };
  // The QBO fault the fix answers is closed: the next sync tries again and reports afresh if it fails.
  if (problem.source === "qbo")
    outcome.resolved.push(
      ...(await ctx.store.company(ctx.companyId).api.problems.resolve([problem.id], ctx.at)),
    );
  return { kind: "applied", problem, action: req.action, outcome };
}

function result(
  p: ProblemRow,
  action: ErrorFixAction,
  applied: boolean,
  changes: Change[],
  choices: FixResultDto["choices"],
  revalidated: FixResultDto["revalidated"],
  queued: boolean,
  resolved: string[],
  message: string,
): FixResultDto {
  return {
    errorId: p.id,
    ref: p.ref,
    action,
    applied,
    changes,
    choices,
    revalidated,
    queued,
    resolved,
    message,
  };
}

interface Outcome {
  changes: Change[];
  message: string;
  /** Records to validate again (the first is the one the answer describes). */
  revalidate: string[];
  resolved: string[];
  closesReview?: boolean;
}

async function execute(
  ctx: FixContext,
  p: ProblemRow,
  action: ErrorFixAction,
  params: Params,
  preview: boolean,
  offered: ErrorFixDto,
): Promise<Outcome> {
  const company = ctx.store.company(ctx.companyId);
  const by = { actor: ctx.actor, at: ctx.at };
  const key = storedKindOfRef(p.ref);
  const isCustomer = key?.kind === "customer";

  if (fieldEdits.has(action) || (action === "rename" && !isCustomer)) {
    if (key === undefined) throw bad("action", `${p.ref} is not a record of the app`);
    const field =
      action === "shorten-docnumber" || action === "let-qbo-number"
        ? "docNumber"
        : action === "rename" && params["field"] === undefined
          ? "name"
          : text(params, "field", p.ref);
    const value = action === "let-qbo-number" ? undefined : params["value"];
    if (action !== "let-qbo-number" && value === undefined)
      throw bad("params.value", `${p.ref}: params.value is required (the new ${field})`);
    const before = await company.api.edits.read(p.ref);
    let after: Record<string, unknown>;
    try {
      after = setField(before, field, value);
    } catch {
      throw bad("params.field", `${p.ref}: "${field}" is not a field path (e.g. displayName, lines[0].qty)`);
    }
    const parsed = parseRecords(key.kind as IncomingKind, [after]);
    const rejected = parsed.rejected[0];
    if (rejected !== undefined || parsed.ok[0] === undefined)
      throw new ApiError(
        400,
        "invalid_request",
        rejected?.message ?? `${p.ref}: the record would not be valid`,
        {
          field: "params.value",
          in: "body",
          ref: p.ref,
          recordField: rejected?.field ?? field,
        },
      );
    const normalised = parsed.ok[0] as unknown as Record<string, unknown>;
    const changes = [{ field, before: getField(before, field), after: getField(normalised, field) }];
    if (!preview)
      await company.api.edits.replace(p.ref, before, normalised, {
        ...by,
        action: `fix.${action}`,
        detail: { errorId: p.id, field },
      });
    return {
      changes,
      message: `${p.ref}: ${field} ${preview ? "would be" : "is now"} ${JSON.stringify(changes[0]!.after)}`,
      revalidate: [p.ref],
      resolved: [],
    };
  }

  switch (action) {
    case "rename": {
      const localId = key!.id;
      const name = text(params, "value", p.ref);
      const current = (await company.api.edits.read(p.ref))["displayName"];
      const changes = [{ field: "displayName", before: current, after: name }];
      if (!preview)
        await company.review.applyCollisionRename({
          localId,
          name,
          qboNames: await qboDisplayNames(ctx.store, ctx.companyId),
          ...by,
        });
      return {
        changes,
        message: `${p.ref} ${preview ? "would be" : "is"} renamed "${name}"`,
        revalidate: [p.ref],
        resolved: [],
      };
    }
    case "link": {
      const qboId = text(params, "qboId", p.ref);
      // A finding on a job or a document may ask to link its customer (`ref` or `parentId`).
      const target =
        typeof params["ref"] === "string"
          ? params["ref"]
          : typeof params["parentId"] === "string"
            ? `C:${params["parentId"]}`
            : p.ref;
      const targetKey = storedKindOfRef(target);
      if (targetKey === undefined) throw bad("params.ref", `${target} is not a record of the app`);
      const changes = [{ field: "link", before: null, after: qboId }];
      if (!preview) {
        if (targetKey.kind === "customer")
          await company.review.linkToQbo({ localId: targetKey.id, qboId, ...by });
        else await company.api.edits.linkRecord(target, linkableEntity[targetKey.kind]!, qboId, by);
      }
      return {
        changes,
        message: `${target} ${preview ? "would be" : "is"} linked to QuickBooks ${targetKey.kind} ${qboId}`,
        revalidate: [...new Set([p.ref, target])],
        resolved: [],
        closesReview: true,
      };
    }
    case "map-item": {
      const qboId = text(params, "qboId", p.ref);
      let itemId = typeof params["itemId"] === "string" ? params["itemId"] : undefined;
      if (itemId === undefined && params["line"] !== undefined) {
        const lineItem = getField(
          await company.api.edits.read(p.ref),
          `lines[${Number(params["line"])}].itemId`,
        );
        if (typeof lineItem === "string") itemId = lineItem;
      }
      if (itemId === undefined)
        throw bad("params.itemId", `${p.ref}: params.itemId is required (the app's item)`);
      const changes = [{ field: `ITEM:${itemId} link`, before: null, after: qboId }];
      if (!preview) await company.api.edits.linkRecord(`ITEM:${itemId}`, "Item", qboId, by);
      return {
        changes,
        message: `ITEM:${itemId} ${preview ? "would be" : "is"} mapped to QuickBooks item ${qboId}`,
        revalidate: [...new Set([p.ref, `ITEM:${itemId}`])],
        resolved: [],
      };
    }
    case "merge": {
      if (!isCustomer) throw bad("action", `${p.ref}: only customers are merged`);
      const survivorId = typeof params["survivorId"] === "string" ? params["survivorId"] : key!.id;
      const mergedId = typeof params["mergedId"] === "string" ? params["mergedId"] : key!.id;
      if (survivorId === mergedId)
        throw bad(
          "params.survivorId",
          `${p.ref}: name the other customer (params.survivorId or params.mergedId)`,
        );
      const changes = [{ field: "merge", before: `C:${mergedId}`, after: `C:${survivorId}` }];
      if (preview)
        return {
          changes,
          message: `C:${mergedId} would be merged into C:${survivorId}`,
          revalidate: [],
          resolved: [],
        };
      const merged = await company.review.mergeCustomers({ survivorId, mergedId, ...by });
      const gone = await company.api.problems.resolveForRefs([`C:${mergedId}`], ctx.at);
      return {
        changes: [{ field: "merge", before: `C:${mergedId}`, after: `C:${survivorId}` }],
        message: `C:${mergedId} is merged into C:${survivorId} (merge ${merged.mergeId}, undoable)`,
        revalidate: [`C:${survivorId}`],
        resolved: gone,
      };
    }
    case "reactivate": {
      const entity = text(params, "entity", p.ref) as QboWritableEntity;
      const qboId = text(params, "qboId", p.ref);
      const changes = [{ field: `QuickBooks ${entity} ${qboId} Active`, before: false, after: true }];
      if (preview)
        return {
          changes,
          message: `QuickBooks ${entity} ${qboId} would be made active`,
          revalidate: [],
          resolved: [],
        };
      const client = await ctx.connections.clientFor(ctx.companyId);
      const current = (await client.read(entity, qboId)) as unknown as Record<string, unknown>;
      const syncToken = String(current["SyncToken"] ?? "");
      const updated = await client.update(
        entity,
        { Id: qboId, SyncToken: syncToken, Active: true } as never,
        { requestId: `ll-react-${fingerprint([ctx.companyId, entity, qboId, syncToken]).slice(0, 32)}` },
      );
      await company.qbo.upsertObjects([mirroredObjectFrom(entity as MirroredEntity, updated)]);
      await company.api.edits.audit(
        `QBO-${entity}:${qboId}`,
        "qbo.reactivated",
        {
          errorId: p.id,
          for: p.ref,
          before: { active: current["Active"] ?? false },
          after: { active: true },
        },
        by,
      );
      return {
        changes,
        message: `QuickBooks ${entity} ${qboId} is active again`,
        revalidate: [p.ref],
        resolved: [],
      };
    }
    case "requeue": {
      if (preview)
        return {
          changes: [],
          message: `${p.ref} would be sent again on the next sync`,
          revalidate: [],
          resolved: [],
        };
      const held = (await company.api.queue.stateOf(p.ref)) !== "ready";
      if (held) await company.sync.release(p.ref as RecordRef, ctx.actor, ctx.at);
      const resolved = await company.api.problems.resolveForRefs([p.ref], ctx.at, ["qbo"]);
      await company.api.edits.audit(p.ref, "error.requeued", { errorId: p.id, released: held }, by);
      return { changes: [], message: `${p.ref} is queued for the next sync`, revalidate: [p.ref], resolved };
    }
    case "accept-match":
    case "reject-match":
    case "create-new":
    case "mark-qbo-inactive": {
      const review = p.review;
      const localId = key?.id ?? p.localId;
      const describe = {
        "accept-match": `${p.ref} linked to QuickBooks customer ${review?.qboId ?? ""}`,
        "reject-match": `${p.ref} and QuickBooks customer ${review?.qboId ?? ""} kept apart`,
        "create-new": `${p.ref} created as a new customer on the next sync`,
        "mark-qbo-inactive": `QuickBooks customer ${String(params["qboId"] ?? "")} made inactive on the next sync`,
      }[action];
      if (preview) return { changes: [], message: `Would be: ${describe}`, revalidate: [], resolved: [] };
      if (action === "accept-match") await company.review.acceptSuggestion(review!.itemId, by);
      else if (action === "reject-match") await company.review.rejectSuggestion(review!.itemId, by);
      else if (action === "create-new") await company.review.createNew({ localId, ...by });
      else
        await company.review.markQboInactive({
          qboId: text(params, "qboId", p.ref),
          duplicateOf: localId,
          ...by,
        });
      return { changes: [], message: describe, revalidate: [p.ref], resolved: [], closesReview: true };
    }
    default:
      throw new ApiError(
        400,
        "fix_not_executable",
        `${p.ref}: "${offered.action}" is not carried out through this API`,
        {
          field: "action",
          in: "body",
        },
      );
  }
}
