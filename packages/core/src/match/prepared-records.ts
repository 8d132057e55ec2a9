import { normalizeAddress } from "./address-normalize.js";
import { normalizeEmail } from "./email-normalize.js";
import type { MatchRecord } from "./match-record.js";
import { normalizeName } from "./name-normalize.js";
import { phoneMatchKey } from "./phone-normalize.js";
import { soundex } from "./string-similarity.js";
import { ValueDictionary } from "./value-dictionary.js";

/**
 * Records normalised once into parallel arrays (one slot per record) so scoring a pair reads
 * integers and short strings and allocates nothing. Exact-compared fields are interned: -1 = missing.
 */
export interface PreparedRecords {
  readonly count: number;
  readonly records: readonly MatchRecord[];
  readonly nameKey: string[];
  readonly nameSorted: string[];
  /** A second name (company, or given + family) when it differs from the display name. */
  readonly altKey: (string | undefined)[];
  /** What normalising the name removed ("inc", "(deleted)", "mr"...), for reasons. */
  readonly nameRemoved: string[][];
  readonly nameReordered: Uint8Array;
  /** The numbers in the name ("Site 2", "12 Oak St"), joined; "" when none. */
  readonly nameNumbers: string[];
  /** Sorted interned name-token ids. */
  readonly nameTokens: Int32Array[];
  readonly nameId: Int32Array;
  readonly emailId: Int32Array;
  readonly phoneId: Int32Array;
  readonly streetId: Int32Array;
  readonly street: (string | undefined)[];
  readonly houseNumber: (string | undefined)[];
  readonly unitId: Int32Array;
  readonly postcodeId: Int32Array;
  /** Blocking-only keys: the sorted name and the alternative name share one dictionary so either can meet either. */
  readonly blockNameId: Int32Array;
  readonly blockAltId: Int32Array;
  /** Soundex of the first two name words, as a pair. */
  readonly soundexId: Int32Array;
  /** Postcode + the first three letters of the sorted name. */
  readonly zipPrefixId: Int32Array;
  readonly blockNames: ValueDictionary;
  readonly soundexes: ValueDictionary;
  readonly zipPrefixes: ValueDictionary;
  readonly names: ValueDictionary;
  readonly nameTokenDict: ValueDictionary;
  readonly emails: ValueDictionary;
  readonly phones: ValueDictionary;
  readonly streets: ValueDictionary;
  readonly units: ValueDictionary;
  readonly postcodes: ValueDictionary;
}

/** Normalises every record once. Records of both sides go into one set so term frequencies span both. */
export function prepareRecords(records: readonly MatchRecord[]): PreparedRecords {
  const n = records.length;
  const names = new ValueDictionary();
  const nameTokenDict = new ValueDictionary();
  const emails = new ValueDictionary();
  const phones = new ValueDictionary();
  const streets = new ValueDictionary();
  const units = new ValueDictionary();
  const postcodes = new ValueDictionary();
  const blockNames = new ValueDictionary();
  const soundexes = new ValueDictionary();
  const zipPrefixes = new ValueDictionary();
  const p = {
    count: n,
    records,
    nameKey: new Array<string>(n),
    nameSorted: new Array<string>(n),
    altKey: new Array<string | undefined>(n),
    nameRemoved: new Array<string[]>(n),
    nameReordered: new Uint8Array(n),
    nameNumbers: new Array<string>(n),
    nameTokens: new Array<Int32Array>(n),
    nameId: new Int32Array(n),
    emailId: new Int32Array(n).fill(-1),
    phoneId: new Int32Array(n).fill(-1),
    streetId: new Int32Array(n).fill(-1),
    street: new Array<string | undefined>(n),
    houseNumber: new Array<string | undefined>(n),
    unitId: new Int32Array(n).fill(-1),
    postcodeId: new Int32Array(n).fill(-1),
    blockNameId: new Int32Array(n).fill(-1),
    blockAltId: new Int32Array(n).fill(-1),
    soundexId: new Int32Array(n).fill(-1),
    zipPrefixId: new Int32Array(n).fill(-1),
    blockNames,
    soundexes,
    zipPrefixes,
    names,
    nameTokenDict,
    emails,
    phones,
    streets,
    units,
    postcodes,
  } satisfies PreparedRecords;

  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    const nn = normalizeName(r.name);
    p.nameKey[i] = nn.key;
    p.nameSorted[i] = nn.sortedKey;
    p.nameRemoved[i] = nn.removed;
    p.nameReordered[i] = nn.reordered ? 1 : 0;
    p.nameNumbers[i] = nn.tokens.filter((t) => t.charCodeAt(0) >= 48 && t.charCodeAt(0) <= 57).join(" ");
    p.nameId[i] = names.add(nn.sortedKey);
    const toks = new Int32Array(nn.tokens.length);
    for (let t = 0; t < nn.tokens.length; t++) toks[t] = nameTokenDict.add(nn.tokens[t]!);
    p.nameTokens[i] = toks.sort();

    const alt = r.companyName ?? ([r.givenName, r.familyName].filter(Boolean).join(" ") || undefined);
    if (alt !== undefined && alt !== r.name) {
      const altKey = normalizeName(alt).sortedKey;
      p.altKey[i] = altKey !== nn.sortedKey && altKey !== "" ? altKey : undefined;
    }

    const email = normalizeEmail(r.email);
    if (email !== undefined) p.emailId[i] = emails.add(email);
    const phone = phoneMatchKey(r.phone);
    if (phone !== undefined) p.phoneId[i] = phones.add(phone);
    const a = normalizeAddress(r.address);
    if (a.street !== undefined) {
      p.streetId[i] = streets.add(a.street);
      p.street[i] = a.street;
    }
    p.houseNumber[i] = a.houseNumber;
    if (a.unit !== undefined) p.unitId[i] = units.add(a.unit);
    if (a.postcode !== undefined) {
      p.postcodeId[i] = postcodes.add(a.postcode);
      p.zipPrefixId[i] = zipPrefixes.add(`${a.postcode}:${nn.sortedKey.slice(0, 3)}`);
    }
    if (nn.sortedKey !== "") p.blockNameId[i] = blockNames.add(nn.sortedKey);
    const altKey = p.altKey[i];
    if (altKey !== undefined) p.blockAltId[i] = blockNames.add(altKey);
    if (nn.tokens.length >= 2) {
      const s1 = soundex(nn.tokens[0]!);
      const s2 = soundex(nn.tokens[1]!);
      p.soundexId[i] = soundexes.add(s1 < s2 ? s1 + s2 : s2 + s1);
    }
  }
  return p;
}
