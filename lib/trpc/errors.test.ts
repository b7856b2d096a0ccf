import { describe, expect, it } from "vitest";
import { rowFieldErrors } from "./errors";

const refused = (fieldErrors: Record<string, string>) => ({
  data: { appError: { code: "VALIDATION", message: "refused", fieldErrors, details: null } },
});
const rows = [{ id: "a" }, { id: "b" }];

describe("rowFieldErrors", () => {
  it("places `<list>.N.*` errors on the row at index N", () => {
    const r = rowFieldErrors(refused({ "lines.1.qty": "too many decimals" }), "lines", rows, (l) => l.id);
    expect(r).toEqual({ errors: { b: "too many decimals" }, message: null });
  });

  it("puts a shared row field under its own name and keeps listed top-level fields", () => {
    const r = rowFieldErrors(
      refused({ "items.0.carrier": "required", "items.1.trackingNumber": "taken", reason: "required" }),
      "items",
      rows,
      (x) => x.id,
      { shared: ["carrier"], fields: ["reason"] },
    );
    expect(r.errors).toEqual({ carrier: "required", b: "taken", reason: "required" });
  });

  it("falls back to the message when nothing can be placed (no such row, another list, a plain error)", () => {
    expect(rowFieldErrors(refused({ "lines.7.qty": "x", "counts.0.qty": "y" }), "lines", rows, (l) => l.id)).toEqual({
      errors: {},
      message: "refused",
    });
    expect(rowFieldErrors(new Error("network down"), "lines", rows, (l) => l.id)).toEqual({
      errors: {},
      message: "network down",
    });
  });
});
