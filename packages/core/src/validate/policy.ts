/**
 * Per-company choices about validation and repair. Defaults are the cautious reading: the stricter
 * DisplayName limit, and only repairs that need no human judgement.
 */
export interface ValidationPolicy {
  /** QBO documents 500 characters for DisplayName; third parties report 100. */
  displayNameMaxLength: number;
  /** An app item that matches no QBO item: create it in QBO, or block until someone maps it. */
  unmappedItems: "create" | "block";
  /** Which safe repairs may be applied without asking (each is recorded in the audit log). */
  autoRepair: {
    trimSpaces: boolean;
    replaceCharacters: boolean;
    shortenDocNumbers: boolean;
    /** Reactivate an inactive QBO customer, item or account that a new record refers to. */
    reactivateInactive: boolean;
    /** Link an app item to the one QBO item with the same SKU or name. */
    mapItems: boolean;
    /** Use the full name of the one QBO account whose name matches the item's income account. */
    mapAccounts: boolean;
    /** With CustomTxnNumbers off, leave the number to QBO instead of blocking. */
    letQboNumber: boolean;
    /** Set a line amount to qty × unit price when they differ by a rounding cent. */
    fixRounding: boolean;
  };
}

export const defaultValidationPolicy: ValidationPolicy = {
  displayNameMaxLength: 100,
  unmappedItems: "create",
  autoRepair: {
    trimSpaces: true,
    replaceCharacters: true,
    shortenDocNumbers: true,
    reactivateInactive: false,
    mapItems: true,
    mapAccounts: true,
    letQboNumber: true,
    fixRounding: true,
  },
};

export interface ValidationPolicyInput {
  displayNameMaxLength?: number;
  unmappedItems?: "create" | "block";
  autoRepair?: Partial<ValidationPolicy["autoRepair"]>;
}

/** The defaults with a company's overrides on top. */
export function resolvePolicy(input: ValidationPolicyInput = {}): ValidationPolicy {
  return {
    displayNameMaxLength: input.displayNameMaxLength ?? defaultValidationPolicy.displayNameMaxLength,
    unmappedItems: input.unmappedItems ?? defaultValidationPolicy.unmappedItems,
    autoRepair: { ...defaultValidationPolicy.autoRepair, ...input.autoRepair },
  };
}
