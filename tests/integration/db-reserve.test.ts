import type postgres from "postgres";
import { describe, expect, it } from "vitest";
import { reserveWithin } from "@/db";

/**
 * postgres.js 3.4.9 can strand a reserve for good (porsager/postgres #1195: a reserve queued while the
 * server closes the connection it waits on is handed to the reconnect, which drops it). In the
 * db-restart drill at RELIABILITY_SCALE=9 that stopped the outbox relay after a restart (events left
 * pending for 17 minutes); with `reserveWithin` the same drill settles. The guard's contract, against a
 * driver whose reserve never settles and one whose reserve arrives after the deadline:
 */
const driver = (reserve: () => Promise<unknown>) => ({ reserve }) as unknown as postgres.Sql;

describe("reserveWithin", () => {
  it("a reserve that never settles ends in CONNECT_TIMEOUT (read as 'database unavailable') at the deadline", async () => {
    const t0 = Date.now();
    const err = await reserveWithin(driver(() => new Promise(() => {})), 300).catch((e: { code?: string }) => e);
    expect(err).toMatchObject({ code: "CONNECT_TIMEOUT" });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    const { isDatabaseUnavailable } = await import("@/server/observability/db-errors");
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it("a connection reserved after its caller gave up is released at once, not leaked", async () => {
    let released = 0;
    const late = new Promise((r) => setTimeout(() => r({ release: () => released++ }), 400));
    await expect(reserveWithin(driver(() => late), 100)).rejects.toMatchObject({ code: "CONNECT_TIMEOUT" });
    await late;
    await new Promise((r) => setTimeout(r, 10));
    expect(released).toBe(1);
  });

  it("a reserve in time is handed over untouched", async () => {
    let released = 0;
    const c = { release: () => released++ };
    await expect(reserveWithin(driver(async () => c), 1_000)).resolves.toBe(c);
    expect(released).toBe(0);
  });
});
