import type { ItemRecord } from "../records/item-record.js";
import { fix, type Fix } from "./finding.js";
import { nameKey } from "./name-key.js";
import { qboRules } from "./qbo-rules.js";
import type { QboAccountSnapshot, QboItemSnapshot } from "./qbo-snapshot.js";
import type { ValidationContext } from "./validation-context.js";

const needsIncomeAccount = (type: string): boolean => type === "Service" || type === "Inventory";

/** The QBO items an unlinked app item could be: same SKU (exact) or same name (QBO's comparison). */
function candidatesFor(
  ctx: ValidationContext,
  item: ItemRecord,
): { bySku: QboItemSnapshot[]; byName: QboItemSnapshot[] } {
  const bySku = item.sku === undefined ? [] : (ctx.qboItemsBySku.get(item.sku.trim()) ?? []);
  const byName = ctx.qboItemsByNameKey.get(nameKey(item.name)) ?? [];
  return { bySku, byName };
}

function checkIncomeAccount(ctx: ValidationContext, item: ItemRecord): void {
  const ref = ctx.ref("item", item.id);
  const incomeSuggestions = (): Fix[] =>
    ctx.snapshot.accounts
      .filter((a) => a.accountType === "Income" && a.active)
      .slice(0, 3)
      .map((a) =>
        fix("map-account", `Use the income account "${a.fullyQualifiedName}"`, {
          field: "incomeAccount",
          value: a.fullyQualifiedName,
        }),
      );
  if (item.incomeAccount === undefined) {
    if (!needsIncomeAccount(item.type)) return;
    ctx.add({
      ref,
      category: "mapping",
      severity: "blocks",
      field: "incomeAccount",
      message: `"${item.name}" is a ${item.type} item and QuickBooks needs to know which income account its sales go to.`,
      rule: qboRules.incomeAccount,
      fixes: incomeSuggestions(),
    });
    return;
  }
  const byFullName = ctx.accountsByFullNameKey.get(nameKey(item.incomeAccount)) ?? [];
  const inactiveFix = (a: QboAccountSnapshot): void =>
    ctx.add({
      ref,
      category: "inactive-or-missing",
      severity: "blocks",
      field: "incomeAccount",
      message: `The income account "${a.fullyQualifiedName}" is inactive in QuickBooks.`,
      rule: qboRules.inactiveReference,
      fixes: [
        fix(
          "reactivate",
          `Reactivate the account "${a.fullyQualifiedName}" in QuickBooks`,
          { entity: "Account", qboId: a.id },
          true,
        ),
        ...incomeSuggestions(),
      ],
    });
  if (byFullName.length === 1) {
    if (!ctx.isActive("Account", byFullName[0]!)) inactiveFix(byFullName[0]!);
    return;
  }
  // "Show lowest subaccount only" hides the parent: the app may know `Services` for `Income:Services`.
  const byName =
    byFullName.length === 0 ? (ctx.accountsByNameKey.get(nameKey(item.incomeAccount)) ?? []) : byFullName;
  if (byName.length === 1) {
    const a = byName[0]!;
    ctx.add({
      ref,
      category: "mapping",
      severity: "blocks",
      field: "incomeAccount",
      message: `QuickBooks knows the income account "${item.incomeAccount}" by its full name "${a.fullyQualifiedName}".`,
      rule: qboRules.incomeAccount,
      fixes: [
        fix(
          "map-account",
          `Use "${a.fullyQualifiedName}"`,
          { field: "incomeAccount", value: a.fullyQualifiedName },
          true,
        ),
      ],
    });
    return;
  }
  ctx.add({
    ref,
    category: "mapping",
    severity: "blocks",
    field: "incomeAccount",
    message:
      byName.length > 1
        ? `Several QuickBooks accounts are called "${item.incomeAccount}"; choose which one "${item.name}" uses.`
        : `The income account "${item.incomeAccount}" could not be found in QuickBooks.`,
    rule: qboRules.incomeAccount,
    fixes:
      byName.length > 1
        ? byName.map((a) =>
            fix("map-account", `Use "${a.fullyQualifiedName}"`, {
              field: "incomeAccount",
              value: a.fullyQualifiedName,
            }),
          )
        : [
            fix("create-account", `Create the income account "${item.incomeAccount}" in QuickBooks`, {
              name: item.incomeAccount,
              accountType: "Income",
            }),
            ...incomeSuggestions(),
          ],
  });
}

/**
 * Items: a QBO item name is unique (active or not), so an unlinked app item that has a QBO twin must
 * be mapped to it, not created again; items to be created need their income account.
 */
export function checkItems(ctx: ValidationContext): void {
  const firstByKey = new Map<string, ItemRecord>();
  for (const item of ctx.items) {
    const ref = ctx.ref("item", item.id);
    const key = nameKey(item.name);
    const first = firstByKey.get(key);
    if (first === undefined) firstByKey.set(key, item);
    else
      ctx.add({
        ref,
        category: "duplicate",
        severity: "blocks",
        field: "name",
        message: `The item name "${item.name}" is the same as ${ctx.ref("item", first.id)}'s; QuickBooks needs every item to have its own name.`,
        rule: qboRules.itemNameInApp,
        fixes: [fix("rename", "Give one of them a different name in the app", { field: "name" })],
      });

    const linked = ctx.itemLinks.get(item.id);
    if (linked !== undefined) {
      if (!ctx.qboItemById.has(linked)) {
        ctx.add({
          ref,
          category: "inactive-or-missing",
          severity: "blocks",
          message: `"${item.name}" was linked to QuickBooks item Id ${linked}, which no longer exists there.`,
          rule: qboRules.missingReference,
          fixes: [fix("map-item", "Link it to its QuickBooks item again", { itemId: item.id })],
        });
        continue;
      }
      const taken = (ctx.qboItemsByNameKey.get(key) ?? []).filter((q) => q.id !== linked);
      if (taken.length > 0)
        ctx.add({
          ref,
          category: "duplicate",
          severity: "blocks",
          field: "name",
          message: `Another QuickBooks item is already called "${taken[0]!.name}".`,
          rule: qboRules.itemNameInQbo,
          fixes: [fix("rename", "Give it a different name in the app", { field: "name" })],
        });
      if (item.incomeAccount !== undefined) checkIncomeAccount(ctx, item);
      continue;
    }

    const { bySku, byName } = candidatesFor(ctx, item);
    const candidates = [...new Map([...bySku, ...byName].map((q) => [q.id, q])).values()];
    if (candidates.length === 0) {
      if (ctx.policy.unmappedItems === "block") {
        ctx.add({
          ref,
          category: "mapping",
          severity: "blocks",
          message: `"${item.name}" is not mapped to a QuickBooks item, and this company creates no items automatically.`,
          rule: qboRules.itemMapping,
          fixes: [
            fix("map-item", "Choose the QuickBooks item it is", { itemId: item.id }),
            fix("create-item", `Create "${item.name}" in QuickBooks`, { itemId: item.id }),
          ],
        });
      } else checkIncomeAccount(ctx, item);
      continue;
    }
    const only = candidates.length === 1 ? candidates[0]! : undefined;
    // Same name but a different SKU on both sides: probably a different product, so a person decides.
    const skuConflict =
      only !== undefined &&
      bySku.length === 0 &&
      item.sku !== undefined &&
      only.sku !== undefined &&
      only.sku.trim() !== item.sku.trim();
    const how = bySku.length > 0 ? `the same SKU "${item.sku ?? ""}"` : "the same name";
    ctx.add({
      ref,
      category: skuConflict ? "duplicate" : "mapping",
      severity: "blocks",
      ...(skuConflict ? { field: "name" } : {}),
      message: only
        ? skuConflict
          ? `QuickBooks already has an item called "${only.name}" but with SKU "${only.sku ?? ""}" instead of "${item.sku ?? ""}".`
          : `"${item.name}" is not linked yet; QuickBooks already has the item "${only.name}" with ${how}${only.active ? "" : " (inactive)"}.`
        : `"${item.name}" matches several QuickBooks items by SKU or name; choose the one it is.`,
      rule: skuConflict ? qboRules.itemNameInQbo : qboRules.itemMapping,
      fixes: [
        ...candidates.map((q) =>
          fix(
            "map-item",
            `It is QuickBooks item "${q.name}"${q.sku ? ` (SKU ${q.sku})` : ""}`,
            { itemId: item.id, qboId: q.id },
            only !== undefined && !skuConflict,
          ),
        ),
        ...(skuConflict ? [fix("rename", "Give it a different name in the app", { field: "name" })] : []),
      ],
    });
  }
}
