import type { RecordSet } from "../records/record-set.js";
import type { Finding } from "../validate/finding.js";
import { defaultValidationPolicy, type ValidationPolicy } from "../validate/policy.js";
import type { QboSnapshot } from "../validate/qbo-snapshot.js";
import { validate } from "../validate/validate.js";
import { applyRepairs, type Repair } from "./apply-repairs.js";

export interface ValidateAndRepairResult {
  /** The records as they will be sent (repaired where the policy allowed). */
  records: RecordSet;
  /** Every change made, in order, for the audit log. */
  repairs: Repair[];
  /** What is left after repairs: blocking findings keep their records from being sent. */
  findings: Finding[];
}

/**
 * Validate, apply the safe repairs the policy allows, and validate again until nothing more can be
 * repaired (a repair can reveal the next problem, e.g. an item mapped to an inactive QBO item).
 */
export function validateAndRepair(
  records: RecordSet,
  snapshot: QboSnapshot,
  policy: ValidationPolicy = defaultValidationPolicy,
  maxPasses = 4,
): ValidateAndRepairResult {
  const repairs: Repair[] = [];
  let current = records;
  let findings = validate(current, snapshot, policy);
  for (let pass = 0; pass < maxPasses; pass++) {
    const result = applyRepairs(current, findings, policy);
    if (result.repairs.length === 0) break;
    repairs.push(...result.repairs);
    current = result.records;
    findings = validate(current, snapshot, policy);
  }
  return { records: current, repairs, findings };
}
