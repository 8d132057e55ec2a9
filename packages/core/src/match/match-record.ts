import type { Customer } from "../customer.js";
import type { QboCustomer } from "../qbo-entities.js";
import type { AddressInput } from "./address-normalize.js";
import { stripDeletedSuffix } from "./name-normalize.js";

/**
 * The one shape both sides are matched in: the app's customers and QBO's customers (and CSV rows)
 * each map into it, so the matcher knows nothing of either wire format.
 */
export interface MatchRecord {
  id: string;
  /** The parent customer's id on the same side (a job or site), absent for top-level customers. */
  parentId?: string;
  /** The display name. */
  name: string;
  companyName?: string;
  givenName?: string;
  familyName?: string;
  email?: string;
  phone?: string;
  address?: AddressInput;
  active?: boolean;
}

/** Maps an app customer into a MatchRecord (billing address, else shipping; phone, else mobile). */
export function matchRecordFromCustomer(c: Customer): MatchRecord {
  const r: MatchRecord = { id: c.id, name: c.displayName, active: c.active };
  if (c.parentId !== undefined) r.parentId = c.parentId;
  if (c.companyName !== undefined) r.companyName = c.companyName;
  if (c.givenName !== undefined) r.givenName = c.givenName;
  if (c.familyName !== undefined) r.familyName = c.familyName;
  if (c.email !== undefined) r.email = c.email;
  const phone = c.phone ?? c.mobile;
  if (phone !== undefined) r.phone = phone;
  const addr = c.billingAddress ?? c.shippingAddress;
  if (addr !== undefined) r.address = addr;
  return r;
}

/**
 * Maps a QBO customer into a MatchRecord. The name is the customer's own DisplayName (not the
 * `Parent:Child` FullyQualifiedName) without the " (deleted)" suffix QBO gives inactive customers.
 */
export function matchRecordFromQboCustomer(q: QboCustomer): MatchRecord {
  if (q.Id === undefined) throw new Error("QBO customer without Id cannot be matched (field Id)");
  const display = q.DisplayName ?? q.FullyQualifiedName?.split(":").pop() ?? "";
  const r: MatchRecord = { id: q.Id, name: stripDeletedSuffix(display).name, active: q.Active ?? true };
  if (q.ParentRef !== undefined) r.parentId = q.ParentRef.value;
  if (q.CompanyName !== undefined) r.companyName = q.CompanyName;
  if (q.GivenName !== undefined) r.givenName = q.GivenName;
  if (q.FamilyName !== undefined) r.familyName = q.FamilyName;
  if (q.PrimaryEmailAddr !== undefined) r.email = q.PrimaryEmailAddr.Address;
  const phone = q.PrimaryPhone?.FreeFormNumber ?? q.Mobile?.FreeFormNumber;
  if (phone !== undefined) r.phone = phone;
  const a = q.BillAddr ?? q.ShipAddr;
  if (a !== undefined) {
    r.address = {
      line1: a.Line1,
      line2: a.Line2,
      city: a.City,
      region: a.CountrySubDivisionCode,
      postalCode: a.PostalCode,
    };
  }
  return r;
}
