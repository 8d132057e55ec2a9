import { faults } from "../fault.js";
import type { EntityDef, QboObject, UniqueKey } from "./entity-def.js";
import { checkLength, checkNameChars, nestedString, normalizeKey, stringField } from "./field-rules.js";

export const DELETED_SUFFIX = " (deleted)";

/** The DisplayName namespace shared by Customer, Vendor and Employee, active or not (6240). */
export const displayNameKey: UniqueKey = {
  scope: "display-name",
  field: "DisplayName",
  key: (record) => {
    const name = record["DisplayName"];
    return typeof name === "string" ? normalizeKey(name) : undefined;
  },
  fault: (_record, holder) => faults.duplicateName(holder.id),
};

const nameParts = ["Title", "GivenName", "MiddleName", "FamilyName", "Suffix"] as const;

/**
 * Rules common to the people lists: characters and lengths of the name parts, e-mail and phone,
 * DisplayName built from the parts when absent, and the " (deleted)" suffix stripped when a client
 * writes back a record it read while inactive.
 */
export function preparePersonName(
  candidate: QboObject,
  existing: QboObject | undefined,
  options: { fallbackToCompanyName: boolean },
): void {
  for (const field of [...nameParts, "DisplayName", "PrintOnCheckName"]) checkNameChars(candidate, field);
  checkLength(candidate, "Title", 16);
  checkLength(candidate, "Suffix", 16);
  checkLength(candidate, "GivenName", 100);
  checkLength(candidate, "MiddleName", 100);
  checkLength(candidate, "FamilyName", 100);
  checkLength(candidate, "CompanyName", 100);
  checkLength(candidate, "PrintOnCheckName", 110);
  checkLength(candidate, "Notes", 2000);

  const email = nestedString(candidate, "PrimaryEmailAddr", "Address");
  if (email !== undefined) {
    if (email.length > 100) throw faults.length("PrimaryEmailAddr.Address", 0, 100, email.length);
    if (email !== "" && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
      throw faults.invalidString("PrimaryEmailAddr.Address", "not an e-mail address");
  }
  for (const phone of ["PrimaryPhone", "Mobile", "AlternatePhone", "Fax"]) {
    const number = nestedString(candidate, phone, "FreeFormNumber");
    if (number !== undefined && number.length > 30)
      throw faults.length(`${phone}.FreeFormNumber`, 0, 30, number.length);
  }

  let display = stringField(candidate, "DisplayName");
  if (existing && existing["Active"] === false && display?.endsWith(DELETED_SUFFIX)) {
    display = display.slice(0, -DELETED_SUFFIX.length);
  }
  if (display === undefined || display.trim() === "") {
    const built = nameParts
      .map((p) => stringField(candidate, p))
      .filter((p): p is string => p !== undefined && p.trim() !== "")
      .join(" ");
    const company = options.fallbackToCompanyName ? stringField(candidate, "CompanyName") : undefined;
    display = built || company;
  }
  if (display === undefined || display.trim() === "") throw faults.required("DisplayName");
  candidate["DisplayName"] = display.trim();
  checkLength(candidate, "DisplayName", 500);
  if (candidate["PrintOnCheckName"] === undefined) candidate["PrintOnCheckName"] = candidate["DisplayName"];
  if (candidate["Active"] === undefined) candidate["Active"] = true;
}

/** How QBO shows an inactive person: the name gets " (deleted)". */
export function renderInactiveName(record: QboObject): QboObject {
  if (record["Active"] !== false) return record;
  const out = { ...record };
  out["DisplayName"] = `${String(record["DisplayName"])}${DELETED_SUFFIX}`;
  if (typeof record["FullyQualifiedName"] === "string")
    out["FullyQualifiedName"] = `${record["FullyQualifiedName"]}${DELETED_SUFFIX}`;
  return out;
}

export const personKeep = ["Balance", "BalanceWithJobs"] as const;
export type PersonDef = Pick<EntityDef, "unique">;
