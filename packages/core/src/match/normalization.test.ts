import { parsePhoneNumberFromString } from "libphonenumber-js/min";
import { describe, expect, it } from "vitest";
import { normalizeAddress } from "./address-normalize.js";
import { normalizeEmail } from "./email-normalize.js";
import { normalizeName } from "./name-normalize.js";
import { normalizePhone } from "./phone-normalize.js";
import { jaroWinkler, soundex } from "./string-similarity.js";

describe("normalizeName", () => {
  it("folds case, spaces, punctuation and accents", () => {
    expect(normalizeName("  JOSÉ   García-López ").key).toBe("jose garcia lopez");
    expect(normalizeName("O'Brien's Plumbing").key).toBe("obriens plumbing");
  });
  it("spells & as and, and drops legal suffixes, saying which", () => {
    const n = normalizeName("Smith & Sons, Inc.");
    expect(n.key).toBe("smith and sons");
    expect(n.removed).toEqual(["inc"]);
    expect(normalizeName("Acme Co L.L.C.").key).toBe("acme");
    expect(normalizeName("Smith and Sons Corporation").key).toBe(n.key);
  });
  it("reads 'Last, First M.' as 'First Last' and drops middle initials and honorifics", () => {
    const n = normalizeName("Smith, John Q.");
    expect(n.key).toBe("john smith");
    expect(n.reordered).toBe(true);
    expect(normalizeName("Dr. John Q Smith").key).toBe("john smith");
    expect(normalizeName("Acme, Inc.").reordered).toBe(false);
  });
  it("keeps single letters that are a company's name", () => {
    expect(normalizeName("J & B Plumbing").key).toBe("j and b plumbing");
  });
  it("strips QBO's (deleted) suffix", () => {
    const n = normalizeName("Acme Plumbing (deleted)");
    expect(n.key).toBe("acme plumbing");
    expect(n.deleted).toBe(true);
  });
});

describe("normalizeEmail", () => {
  it("lower-cases, and drops plus-tags only where the provider ignores them", () => {
    expect(normalizeEmail(" Jane.Doe+Billing@GMAIL.com ")).toBe("janedoe@gmail.com");
    expect(normalizeEmail("jane+billing@outlook.com")).toBe("jane@outlook.com");
    expect(normalizeEmail("jane+billing@acme.com")).toBe("jane+billing@acme.com");
    expect(normalizeEmail("not an email")).toBeUndefined();
  });
});

describe("normalizePhone", () => {
  it("gives E.164 for the usual ways of writing a number, dropping extensions", () => {
    for (const raw of [
      "(415) 555-0123",
      "415.555.0123",
      "+1 415 555 0123",
      "1-415-555-0123",
      "4155550123 x12",
    ]) {
      expect(normalizePhone(raw)).toBe("+14155550123");
    }
    expect(normalizePhone("+44 20 7946 0958")).toBe("+442079460958");
    expect(normalizePhone("12")).toBeUndefined();
  });
  it("agrees with libphonenumber-js on North American numbers (the fast path)", () => {
    for (const raw of [
      "(212) 555-0199",
      "800 555 0100",
      "1 (303) 555 0142",
      "(115) 555-0123",
      "(415) 055-0123",
    ]) {
      const lib = parsePhoneNumberFromString(raw, "US");
      expect(normalizePhone(raw)).toBe(lib?.isPossible() && lib.isValid() ? lib.number : undefined);
    }
  });
});

describe("normalizeAddress", () => {
  it("uses USPS street types and directionals, splits the unit, cuts ZIP+4", () => {
    const a = normalizeAddress({
      line1: "12 North Main Street, Apt 4",
      postalCode: "94107-1234",
      city: "San Francisco",
    });
    expect(a).toEqual({
      street: "12 n main st",
      houseNumber: "12",
      unit: "4",
      postcode: "94107",
      city: "san francisco",
    });
    expect(normalizeAddress({ line1: "12 N. Main St #4" }).street).toBe("12 n main st");
    expect(normalizeAddress({ line1: "12 N. Main St #4" }).unit).toBe("4");
  });
});

describe("string similarity", () => {
  it("computes Jaro-Winkler as published", () => {
    expect(jaroWinkler("martha", "marhta")).toBeCloseTo(0.9611, 4);
    expect(jaroWinkler("dwayne", "duane")).toBeCloseTo(0.84, 2);
    expect(jaroWinkler("abc", "abc")).toBe(1);
    expect(jaroWinkler("abc", "xyz")).toBe(0);
  });
  it("gives Soundex codes", () => {
    expect(soundex("robert")).toBe("R163");
    expect(soundex("rupert")).toBe("R163");
    expect(soundex("ashcraft")).toBe("A261");
  });
});
