import type { EntityDef, QboObject } from "./entity-def.js";
import { checkLength, requireString } from "./field-rules.js";

export const companyInfoDef: EntityDef = {
  name: "CompanyInfo",
  kind: "singleton",
  prepare(_ctx, candidate) {
    requireString(candidate, "CompanyName");
    checkLength(candidate, "CompanyName", 1024);
  },
};

export function defaultCompanyInfo(companyName: string, startDate: string): QboObject {
  return {
    CompanyName: companyName,
    LegalName: companyName,
    Country: "US",
    CompanyAddr: {
      Line1: "1 Emulator Way",
      City: "Mountain View",
      CountrySubDivisionCode: "CA",
      PostalCode: "94043",
    },
    FiscalYearStartMonth: "January",
    CompanyStartDate: startDate,
    SupportedLanguages: "en",
    NameValue: [{ Name: "OfferingSku", Value: "QuickBooks Online Plus" }],
  };
}
