import type { Customer } from "../customer.js";
import { fix } from "./finding.js";
import { qboLimits, qboRules } from "./qbo-rules.js";
import type { ValidationContext } from "./validation-context.js";

/**
 * Parent/child: the parent must exist (in the app, to be sent first, or linked in QBO) and be active;
 * no cycles; at most 4 levels below the top. Name collisions with a parent or sibling are checked
 * with the other DisplayName rules.
 */
export function checkParents(ctx: ValidationContext): void {
  const depth = new Map<string, number>(); // -1: part of a cycle
  const depthOf = (c: Customer, path: Set<string>): number => {
    const known = depth.get(c.id);
    if (known !== undefined) return known;
    if (c.parentId === undefined) {
      depth.set(c.id, 0);
      return 0;
    }
    if (path.has(c.id)) return -1;
    path.add(c.id);
    const parent = ctx.customerById.get(c.parentId);
    let d: number;
    if (parent) {
      const pd = depthOf(parent, path);
      d = pd < 0 ? -1 : pd + 1;
    } else {
      const qboId = ctx.customerLinks.get(c.parentId);
      const qboParent = qboId === undefined ? undefined : ctx.qboCustomerById.get(qboId);
      d = (qboParent?.level ?? 0) + 1;
    }
    path.delete(c.id);
    depth.set(c.id, d);
    return d;
  };

  for (const c of ctx.customers) {
    if (c.parentId === undefined) continue;
    const ref = ctx.ref("customer", c.id);
    const parentRef = ctx.ref("customer", c.parentId);
    const parent = ctx.customerById.get(c.parentId);
    const linkedId = ctx.customerLinks.get(c.parentId);
    if (!parent && linkedId === undefined) {
      ctx.add({
        ref,
        category: "inactive-or-missing",
        severity: "blocks",
        field: "parentId",
        message: `Its parent customer ${parentRef} is not in the app's records and not in QuickBooks, so this job has nothing to sit under.`,
        rule: qboRules.parentMissing,
        fixes: [
          fix("add-parent", `Send ${parentRef} from the app first`, { parentId: c.parentId }),
          fix("link", `Link ${parentRef} to its customer already in QuickBooks`, { parentId: c.parentId }),
        ],
      });
      continue;
    }
    if (linkedId !== undefined) {
      const qboParent = ctx.qboCustomerById.get(linkedId);
      if (!qboParent) {
        ctx.add({
          ref,
          category: "inactive-or-missing",
          severity: "blocks",
          field: "parentId",
          message: `Its parent ${parentRef} was linked to QuickBooks customer Id ${linkedId}, which no longer exists there (deleted or merged).`,
          rule: qboRules.parentMissing,
          fixes: [
            fix("link", `Link ${parentRef} to its customer in QuickBooks again`, { parentId: c.parentId }),
          ],
        });
        continue;
      }
      if (!ctx.isActive("Customer", qboParent)) {
        ctx.add({
          ref,
          category: "inactive-or-missing",
          severity: "blocks",
          field: "parentId",
          message: `Its parent ${parentRef} ("${qboParent.displayName}") is inactive in QuickBooks.`,
          rule: qboRules.parentInactive,
          fixes: [
            fix(
              "reactivate",
              `Reactivate "${qboParent.displayName}" in QuickBooks`,
              { entity: "Customer", qboId: linkedId },
              true,
            ),
          ],
        });
      }
    }
    if (parent && !parent.active && c.active) {
      ctx.add({
        ref,
        category: "inactive-or-missing",
        severity: "warns",
        field: "parentId",
        message: `This job is active but its parent ${parentRef} is inactive in the app; QuickBooks makes a parent's jobs inactive with it.`,
        rule: qboRules.parentInactive,
        fixes: [
          fix("edit-field", `Make ${parentRef} active again, or this job inactive`, { field: "active" }),
        ],
      });
    }
    const d = depthOf(c, new Set());
    if (d < 0) {
      ctx.add({
        ref,
        category: "invalid-data",
        severity: "blocks",
        field: "parentId",
        message: `Its parent chain loops back to itself (through ${parentRef}).`,
        rule: qboRules.parentCycle,
        fixes: [fix("edit-field", "Choose a different parent in the app", { field: "parentId" })],
      });
    } else if (d > qboLimits.subCustomerDepth) {
      ctx.add({
        ref,
        category: "invalid-data",
        severity: "blocks",
        field: "parentId",
        message: `It would be ${d} levels below its top-level customer; QuickBooks allows at most ${qboLimits.subCustomerDepth}.`,
        rule: qboRules.depth,
        fixes: [
          fix("move-under-other-parent", "Move it under a customer higher up", {
            field: "parentId",
            maxDepth: qboLimits.subCustomerDepth,
          }),
        ],
      });
    }
  }
}
