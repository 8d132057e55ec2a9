/** What an injected fault does to a request. */
export type FaultKind = "429" | "500" | "503" | "timeout" | "drop" | "revoke-token";

export const FAULT_KINDS: readonly FaultKind[] = ["429", "500", "503", "timeout", "drop", "revoke-token"];

/**
 * A fault to inject into a realm's API requests. Either a probability per request, or a schedule:
 * skip `after` matching requests, then fire on the next `times` ones. `pathIncludes` narrows it.
 */
export interface FaultRule {
  kind: FaultKind;
  probability?: number;
  after?: number;
  times?: number;
  pathIncludes?: string;
}

interface ActiveRule extends FaultRule {
  seen: number;
  fired: number;
}

/** Decides, request by request, which injected fault (if any) applies. */
export class FaultSchedule {
  private rules: ActiveRule[] = [];

  constructor(private readonly random: () => number = Math.random) {}

  add(rule: FaultRule): void {
    if (!FAULT_KINDS.includes(rule.kind))
      throw new Error(`fault kind must be one of ${FAULT_KINDS.join(", ")}, got ${String(rule.kind)}`);
    if (rule.probability !== undefined && !(rule.probability >= 0 && rule.probability <= 1))
      throw new Error(`fault probability must be between 0 and 1, got ${rule.probability}`);
    this.rules.push({ ...rule, seen: 0, fired: 0 });
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRule[] {
    return this.rules.map(({ seen: _seen, fired: _fired, ...rule }) => rule);
  }

  /** The fault for this request, or undefined. Exhausted scheduled rules drop out. */
  next(path: string): FaultKind | undefined {
    for (const rule of this.rules) {
      if (rule.pathIncludes !== undefined && !path.includes(rule.pathIncludes)) continue;
      if (rule.probability !== undefined) {
        if (this.random() < rule.probability) return rule.kind;
        continue;
      }
      rule.seen++;
      if (rule.seen <= (rule.after ?? 0)) continue;
      rule.fired++;
      const kind = rule.kind;
      if (rule.fired >= (rule.times ?? 1)) this.rules = this.rules.filter((r) => r !== rule);
      return kind;
    }
    return undefined;
  }
}
