import { foldText, tokens } from "./text-fold.js";

/** USPS Publication 28 street suffix abbreviations (the common ones). */
const STREET_TYPES: Record<string, string> = {
  street: "st",
  str: "st",
  avenue: "ave",
  av: "ave",
  avn: "ave",
  road: "rd",
  boulevard: "blvd",
  boul: "blvd",
  drive: "dr",
  drv: "dr",
  lane: "ln",
  court: "ct",
  place: "pl",
  terrace: "ter",
  parkway: "pkwy",
  pky: "pkwy",
  highway: "hwy",
  circle: "cir",
  square: "sq",
  trail: "trl",
  way: "way",
  alley: "aly",
  crossing: "xing",
  expressway: "expy",
  freeway: "fwy",
  plaza: "plz",
  point: "pt",
  center: "ctr",
  centre: "ctr",
  heights: "hts",
  mount: "mt",
  mountain: "mtn",
  ridge: "rdg",
  route: "rte",
  loop: "loop",
};
/** USPS directionals. */
const DIRECTIONS: Record<string, string> = {
  north: "n",
  south: "s",
  east: "e",
  west: "w",
  northeast: "ne",
  northwest: "nw",
  southeast: "se",
  southwest: "sw",
};
/** Secondary unit designators; the unit is compared apart from the street. */
const UNIT_WORDS = new Set([
  "apt",
  "apartment",
  "suite",
  "ste",
  "unit",
  "bldg",
  "building",
  "fl",
  "floor",
  "rm",
  "room",
  "no",
  "number",
]);

export interface NormalizedAddress {
  /** House number and street, abbreviated the USPS way ("12 n main st"). */
  street?: string;
  houseNumber?: string;
  unit?: string;
  city?: string;
  region?: string;
  /** Five-digit ZIP (ZIP+4 cut), or the folded postcode elsewhere. */
  postcode?: string;
}

export interface AddressInput {
  line1?: string | undefined;
  line2?: string | undefined;
  city?: string | undefined;
  region?: string | undefined;
  postalCode?: string | undefined;
}

function normalizeStreetLine(line: string): { street?: string; houseNumber?: string; unit?: string } {
  // "#" is a unit marker before folding drops it.
  const toks = tokens(foldText(line.replace(/#\s*/g, " unit ")));
  const street: string[] = [];
  let unit: string | undefined;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (UNIT_WORDS.has(t) && i + 1 < toks.length && i > 0) {
      unit = toks.slice(i + 1).join(" ");
      break;
    }
    street.push(STREET_TYPES[t] ?? DIRECTIONS[t] ?? t);
  }
  const out: { street?: string; houseNumber?: string; unit?: string } = {};
  if (street.length > 0) out.street = street.join(" ");
  if (street[0] !== undefined && /^\d/.test(street[0])) out.houseNumber = street[0];
  if (unit !== undefined) out.unit = unit;
  return out;
}

/** Normalises a postal address: USPS street types and directionals, unit numbers apart, ZIP+4 cut to five. */
export function normalizeAddress(a: AddressInput | undefined): NormalizedAddress {
  const out: NormalizedAddress = {};
  if (a === undefined) return out;
  if (a.line1 !== undefined && a.line1.trim() !== "") {
    const s = normalizeStreetLine(a.line1);
    if (s.street !== undefined) out.street = s.street;
    if (s.houseNumber !== undefined) out.houseNumber = s.houseNumber;
    if (s.unit !== undefined) out.unit = s.unit;
  }
  if (out.unit === undefined && a.line2 !== undefined && a.line2.trim() !== "") {
    const unit = tokens(foldText(a.line2.replace(/#\s*/g, " "))).filter((t) => !UNIT_WORDS.has(t));
    if (unit.length > 0) out.unit = unit.join(" ");
  }
  if (a.city !== undefined && a.city.trim() !== "") out.city = foldText(a.city);
  if (a.region !== undefined && a.region.trim() !== "") out.region = foldText(a.region);
  if (a.postalCode !== undefined) {
    const zip = /^\s*(\d{5})(?:[-\s]?\d{4})?\s*$/.exec(a.postalCode);
    const pc = zip ? zip[1]! : foldText(a.postalCode).replace(/ /g, "");
    if (pc !== "") out.postcode = pc;
  }
  return out;
}
