import { describe, expect, it } from "vitest";
import { checkDecimal, roundTo } from "./decimal";

describe("checkDecimal", () => {
  it("accepts numbers and numeric strings within the scale", () => {
    expect(checkDecimal(3.55, 2)).toEqual({ ok: true, value: "3.55" });
    expect(checkDecimal("11.5555", 4)).toEqual({ ok: true, value: "11.5555" });
    expect(checkDecimal("5.50", 1)).toEqual({ ok: true, value: "5.5" });
    expect(checkDecimal(1e-7, 8)).toEqual({ ok: true, value: "0.0000001" });
  });
  it("refuses more decimals than allowed instead of rounding", () => {
    expect(checkDecimal("1.005", 2)).toEqual({ ok: false, reason: "scale", scale: 2 });
    expect(checkDecimal(0.1 + 0.2, 4)).toMatchObject({ ok: false, reason: "scale" });
  });
  it("refuses garbage, negatives and absurd magnitudes", () => {
    expect(checkDecimal("12a", 2)).toMatchObject({ ok: false, reason: "format" });
    expect(checkDecimal(null, 2)).toMatchObject({ ok: false, reason: "format" });
    expect(checkDecimal("-1", 2)).toMatchObject({ ok: false, reason: "negative" });
    expect(checkDecimal("-1", 2, { allowNegative: true })).toEqual({ ok: true, value: "-1" });
    expect(checkDecimal("1000000000000000", 2)).toMatchObject({ ok: false, reason: "range" });
  });
  it("rounds computed amounts half-up", () => {
    expect(roundTo("2.345", 2)).toBe("2.35");
    expect(roundTo("64.19778", 2)).toBe("64.20");
  });
});
