import type { Address, Customer } from "./customer.js";
import type { QboCustomer, QboPhysicalAddress } from "./qbo-entities.js";

function addressToQbo(a: Address): QboPhysicalAddress {
  const out: QboPhysicalAddress = {};
  if (a.line1 !== undefined) out.Line1 = a.line1;
  if (a.line2 !== undefined) out.Line2 = a.line2;
  if (a.city !== undefined) out.City = a.city;
  if (a.region !== undefined) out.CountrySubDivisionCode = a.region;
  if (a.postalCode !== undefined) out.PostalCode = a.postalCode;
  if (a.country !== undefined) out.Country = a.country;
  return out;
}

/**
 * The QBO payload for a customer, without Id/SyncToken/ParentRef (those come from links at execute
 * time). Deterministic: the same customer always gives the same payload, so it can be fingerprinted.
 */
export function customerToQbo(c: Customer): QboCustomer {
  const q: QboCustomer = { DisplayName: c.displayName, Active: c.active };
  if (c.companyName !== undefined) q.CompanyName = c.companyName;
  if (c.title !== undefined) q.Title = c.title;
  if (c.givenName !== undefined) q.GivenName = c.givenName;
  if (c.middleName !== undefined) q.MiddleName = c.middleName;
  if (c.familyName !== undefined) q.FamilyName = c.familyName;
  if (c.suffix !== undefined) q.Suffix = c.suffix;
  if (c.email !== undefined) q.PrimaryEmailAddr = { Address: c.email };
  if (c.phone !== undefined) q.PrimaryPhone = { FreeFormNumber: c.phone };
  if (c.mobile !== undefined) q.Mobile = { FreeFormNumber: c.mobile };
  if (c.billingAddress !== undefined) q.BillAddr = addressToQbo(c.billingAddress);
  if (c.shippingAddress !== undefined) q.ShipAddr = addressToQbo(c.shippingAddress);
  if (c.notes !== undefined) q.Notes = c.notes;
  if (c.parentId !== undefined) q.Job = true;
  return q;
}
