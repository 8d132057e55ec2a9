import { describe, expect, it } from "vitest";
import { formatMoney, moneyFromQboAmount, moneyToQboAmount, parseMoney } from "./money.js";

describe("money", () => {
  it("parses decimal strings into exact minor units", () => {
    expect(parseMoney("12.34")).toBe(1234);
    expect(parseMoney("12.3")).toBe(1230);
    expect(parseMoney("-0.05")).toBe(-5);
    expect(parseMoney("7")).toBe(700);
    expect(parseMoney("1.234")).toBeUndefined();
    expect(parseMoney("1e3")).toBeUndefined();
  });

  it("formats and round-trips through QBO's JSON numbers without float drift", () => {
    expect(formatMoney(-5)).toBe("-0.05");
    expect(moneyToQboAmount(1234)).toBe(12.34);
    // 0.1 + 0.2 as floats is 0.30000000000000004; through minor units it stays 30.
    expect(moneyFromQboAmount(0.1 + 0.2)).toBe(30);
  });
});
