/**
 * The one list of error categories used product-wide: by the connector when it classifies a QBO
 * fault, by pre-flight validation, by the Errors view and by reports.
 */
export const errorCategories = [
  "duplicate",
  "mapping",
  "inactive-or-missing",
  "invalid-data",
  "closed-period",
  "stale",
  "auth",
  "throttled",
  "transient",
  "other",
] as const;

export type ErrorCategory = (typeof errorCategories)[number];

/** Plain-language titles for office staff, used as group headings. */
export const errorCategoryTitles: Record<ErrorCategory, string> = {
  duplicate: "Duplicates",
  mapping: "Mapping (items and accounts)",
  "inactive-or-missing": "Inactive or missing records",
  "invalid-data": "Invalid characters and lengths",
  "closed-period": "Closed books",
  stale: "Changed in QuickBooks meanwhile",
  auth: "Connection to QuickBooks",
  throttled: "QuickBooks asked us to slow down",
  transient: "Temporary QuickBooks or network failure",
  other: "Other",
};

/** QBO error codes whose category is known (QBO-API.md). */
const categoryByQboCode: Record<string, ErrorCategory> = {
  "6240": "duplicate",
  "6140": "duplicate",
  "5010": "stale",
  "610": "inactive-or-missing",
  "2500": "inactive-or-missing",
  "2020": "invalid-data",
  "2050": "invalid-data",
  "2030": "invalid-data",
  "2040": "invalid-data",
  "2010": "invalid-data",
  "6000": "other",
  "6210": "closed-period",
  "4001": "other",
  "3001": "throttled",
  "3200": "auth",
  "3100": "auth",
  "10000": "transient",
};

export function categoryForQboCode(code: string | undefined): ErrorCategory {
  return (code !== undefined && categoryByQboCode[code]) || "other";
}
