import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { channelAccounts, outbox, platformOrders } from "@/db/schema";
import { systemContext } from "@/server/context";
import { listAccounts } from "@/server/services/channels/accounts";
import { convertPlatformOrders, pendingIds } from "@/server/services/channels/convert";
import { saveSkuMapping } from "@/server/services/channels/mappings";
import { pullOrders } from "@/server/services/channels/pull";
import { PULL_BACKOFF_CAP_MINUTES, PULL_FAILURES_BEFORE_BACKOFF } from "@/server/services/channels/pull-health";
import { createTestOrg, createTestUser, keyCaller, newApiKey, sessionCaller, svcCtx, testDb } from "../helpers/db";
import { authorizedShop, merchantWithStock, shopifySimPerFile } from "./channels-kit";

/**
 * A failing marketplace account (issue 15, drill 3): failed pulls in a row are counted, shown on the
 * accounts list, and push the next automatic pull out exponentially (capped); a success resets it.
 * Dead letters of the channel topics are listed on the accounts page (channels router, the system
 * status service) with their shop, and retried by hand — one merchant's only.
 */
const file = shopifySimPerFile();
const noSleep = { sleep: async () => {} };

async function accountRow(orgId: string, id: string) {
  const [a] = await testDb().select().from(channelAccounts).where(and(eq(channelAccounts.orgId, orgId), eq(channelAccounts.id, id)));
  return a!;
}

describe("a failing account", () => {
  it("counts failures in a row, backs off exponentially up to the cap, shows it, and recovers on success", async () => {
    const m = await merchantWithStock({ A1: "100" });
    const { shop, account } = await authorizedShop(file.sim, m);
    await testDb().update(channelAccounts).set({ pullMode: "auto" }).where(and(eq(channelAccounts.orgId, m.org.orgId), eq(channelAccounts.id, account.id)));
    file.sim.createOrder(shop, { lineItems: [{ sku: "P-X", quantity: 1 }] });
    file.sim.faults.set(shop, { rate500: 1 });
    const ctx = systemContext(testDb(), m.org.orgId, "test");
    const delays: number[] = [];
    for (let i = 0; i < 9; i++) {
      const { run } = await pullOrders(ctx, { accountId: account.id, trigger: "schedule" }, noSleep);
      expect(run.status).toBe("failed");
      const a = await accountRow(m.org.orgId, account.id);
      delays.push(Math.round((a.nextPullAt!.getTime() - a.lastPullAt!.getTime()) / 60_000));
      expect(a.lastPullSummary).toMatchObject({ key: "failed", params: { reason: "upstream", failures: i + 1 } });
      const [listed] = await listAccounts(svcCtx(m.org));
      expect(listed).toMatchObject({ pullFailures: i + 1, backingOff: i + 1 >= PULL_FAILURES_BEFORE_BACKOFF });
    }
    // Interval 15 min: the first two retry after 5 min, then 10, 20, … doubling, capped.
    expect(delays).toEqual([5, 5, 10, 20, 40, 80, 160, 320, PULL_BACKOFF_CAP_MINUTES]);

    file.sim.faults.delete(shop);
    const { run } = await pullOrders(ctx, { accountId: account.id, trigger: "schedule" }, noSleep);
    expect(run.status).toBe("ok");
    const a = await accountRow(m.org.orgId, account.id);
    expect(Math.round((a.nextPullAt!.getTime() - a.lastPullAt!.getTime()) / 60_000)).toBe(15);
    const [listed] = await listAccounts(svcCtx(m.org));
    expect(listed).toMatchObject({ pullFailures: 0, backingOff: false });
  });
});

describe("channel dead letters on the accounts page", () => {
  it("lists the merchant's dead ship-backs and stock pushes with their shop and retries them; never another merchant's or another topic's", async () => {
    const m = await merchantWithStock({ A1: "100" });
    const { shop, account } = await authorizedShop(file.sim, m, { importEnabled: false });
    file.sim.createOrder(shop, { lineItems: [{ sku: "P-X", quantity: 1 }] });
    await pullOrders(systemContext(testDb(), m.org.orgId, "test"), { accountId: account.id, trigger: "manual", from: new Date(Date.now() - 3600_000), to: new Date(Date.now() + 60_000) }, noSleep);
    const [po] = await testDb().select().from(platformOrders).where(and(eq(platformOrders.orgId, m.org.orgId), eq(platformOrders.accountId, account.id)));
    const dead = { status: "dead" as const, attempts: 8, lastError: "platform said no", orgId: m.org.orgId };
    const [ship, stock, other] = await testDb()
      .insert(outbox)
      .values([
        { ...dead, topic: "channels.push_shipment", payload: { platformOrderId: po!.id } },
        { ...dead, topic: "channels.push_stock", payload: { accountId: account.id, platformSku: "P-X" } },
        { ...dead, topic: "inventory.changed", payload: { productId: m.productIds.A1! } },
      ])
      .returning();

    const owner = sessionCaller(m.org.ownerId, m.org.orgId);
    const listed = await owner.channels.deadLetters();
    expect(listed.map((d) => [d.id, d.accountId]).sort()).toEqual([[ship!.id, account.id], [stock!.id, account.id]].sort());
    // 系统状态 still lists every topic (the same service, unscoped).
    expect((await owner.system.status()).deadLetters.map((d) => d.id).sort()).toEqual([ship!.id, stock!.id, other!.id].sort());

    // Another merchant sees none and cannot retry them (session and API key); a non-channel event is not retried here.
    const b = await createTestOrg();
    const asB = [sessionCaller(b.ownerId, b.orgId), keyCaller(await newApiKey(b, "operator"))];
    for (const c of asB) {
      expect(await c.channels.deadLetters()).toEqual([]);
      await expect(c.channels.retryDeadLetter({ id: ship!.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    await expect(owner.channels.retryDeadLetter({ id: other!.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const viewer = sessionCaller(await createTestUser(m.org.orgId, "viewer"), m.org.orgId);
    expect(await viewer.channels.deadLetters()).toHaveLength(2);
    await expect(viewer.channels.retryDeadLetter({ id: ship!.id })).rejects.toMatchObject({ code: "FORBIDDEN" });

    await owner.channels.retryDeadLetter({ id: ship!.id });
    const [row] = await testDb().select().from(outbox).where(and(eq(outbox.orgId, m.org.orgId), eq(outbox.id, ship!.id)));
    expect(row).toMatchObject({ status: "pending", attempts: 0 });
    expect((await owner.channels.deadLetters()).map((d) => d.id)).toEqual([stock!.id]);
    const [otherRow] = await testDb().select().from(outbox).where(and(eq(outbox.orgId, m.org.orgId), eq(outbox.id, other!.id)));
    expect(otherRow!.status).toBe("dead");
  });
});

describe("pending platform orders to convert", () => {
  it("come least-tried first: more blocked orders than the limit cannot starve orders never tried", async () => {
    const m = await merchantWithStock({ A1: "100" });
    const { shop, account } = await authorizedShop(file.sim, m, { importEnabled: false });
    const ctx = systemContext(testDb(), m.org.orgId, "test");
    const window = () => ({ from: new Date(Date.now() - 3600_000), to: new Date(Date.now() + 60_000) });
    for (let i = 0; i < 4; i++) file.sim.createOrder(shop, { lineItems: [{ sku: "P-UNMAPPED", quantity: 1 }] });
    await pullOrders(ctx, { accountId: account.id, trigger: "manual", ...window() }, noSleep);
    const importOn = (on: boolean) =>
      testDb().update(channelAccounts).set({ importEnabled: on }).where(and(eq(channelAccounts.orgId, m.org.orgId), eq(channelAccounts.id, account.id)));
    await importOn(true);
    const blocked = await pendingIds(ctx, { accountId: account.id });
    expect((await convertPlatformOrders(ctx, blocked)).blocked).toBe(4);
    // Later: two orders that convert, stored while import is off (never tried).
    await importOn(false);
    await saveSkuMapping(svcCtx(m.org), { accountId: account.id, platformSku: "P-A", items: [{ sku: "A1", quantity: "1" }] });
    for (let i = 0; i < 2; i++) file.sim.createOrder(shop, { lineItems: [{ sku: "P-A", quantity: 1 }] });
    await pullOrders(ctx, { accountId: account.id, trigger: "manual", ...window() }, noSleep);
    await importOn(true);
    const next = await pendingIds(ctx, { accountId: account.id, limit: 2 });
    expect((await convertPlatformOrders(ctx, next)).converted).toBe(2);
  });
});
