import type { RecordSet } from "../records/record-set.js";
import { checkAmounts } from "./amount-rules.js";
import { checkClosingDate } from "./closing-date-rules.js";
import { checkDependencies } from "./dependency-rules.js";
import { checkDisplayNames } from "./display-name-rules.js";
import { checkDocNumbers } from "./doc-number-rules.js";
import { checkFieldLengths } from "./field-length-rules.js";
import type { Finding } from "./finding.js";
import { checkItems } from "./item-rules.js";
import { checkNames } from "./name-rules.js";
import { checkParents } from "./parent-child-rules.js";
import { checkPayments } from "./payment-rules.js";
import { defaultValidationPolicy, type ValidationPolicy } from "./policy.js";
import type { QboSnapshot } from "./qbo-snapshot.js";
import { checkReferences } from "./reference-rules.js";
import { ValidationContext } from "./validation-context.js";

/**
 * Pre-flight validation: every problem QBO would refuse (or that would do harm, like a duplicate
 * payment), found before a request is made. Pure: the same records, snapshot and policy always give
 * the same findings, in record order within each rule family.
 */
export function validate(
  records: RecordSet,
  snapshot: QboSnapshot,
  policy: ValidationPolicy = defaultValidationPolicy,
): Finding[] {
  const ctx = new ValidationContext(records, snapshot, policy);
  checkNames(ctx);
  checkFieldLengths(ctx);
  checkDisplayNames(ctx);
  checkParents(ctx);
  checkItems(ctx);
  checkReferences(ctx);
  checkDocNumbers(ctx);
  checkClosingDate(ctx);
  checkAmounts(ctx);
  checkPayments(ctx);
  checkDependencies(ctx); // last: it reads the other rules' findings
  return ctx.findings;
}
