import { describe, expect, it } from "vitest";
import { dayInZone } from "./date-time";

describe("dayInZone", () => {
  it("is the merchant's calendar day, not the UTC day", () => {
    // 16:30 UTC is 00:30 the next day in Shanghai (UTC+8, no DST); the UTC day is still the 6th.
    const evening = new Date("2026-12-06T16:30:00Z");
    expect(evening.toISOString().slice(0, 10)).toBe("2026-12-06");
    expect(dayInZone("Asia/Shanghai", evening)).toBe("2026-12-07");
    expect(dayInZone("UTC", evening)).toBe("2026-12-06");
    // One second before midnight in Shanghai.
    expect(dayInZone("Asia/Shanghai", new Date("2026-12-06T15:59:59Z"))).toBe("2026-12-06");
    // West of UTC: early UTC morning is still yesterday there.
    expect(dayInZone("America/Los_Angeles", new Date("2026-01-01T05:00:00Z"))).toBe("2025-12-31");
  });

  it("pads months and days and keeps four-digit years", () => {
    expect(dayInZone("Asia/Shanghai", new Date("2027-02-28T16:00:00Z"))).toBe("2027-03-01");
    expect(dayInZone("Europe/Berlin", new Date("2026-03-05T12:00:00Z"))).toBe("2026-03-05");
  });
});

describe("date field defaults", () => {
  it("no component or route takes the UTC day (toISOString().slice(0, 10)); they use useMerchantToday / merchantToday", async () => {
    const fs = await import("node:fs");
    const path = await import("node:path");
    const root = path.resolve(import.meta.dirname, "../../components");
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.tsx?$/.test(e.name) && /toISOString\(\)\s*\.slice\(0,\s*10\)/.test(fs.readFileSync(p, "utf8"))) offenders.push(path.relative(root, p));
      }
    };
    walk(root);
    walk(path.resolve(import.meta.dirname, "../../app"));
    expect(offenders).toEqual([]);
    for (const f of ["finance/order-payments-card.tsx", "finance/rate-list.tsx", "finance/cost-form-dialog.tsx"]) {
      expect(fs.readFileSync(path.join(root, f), "utf8")).toContain("useMerchantToday()");
    }
  });
});
