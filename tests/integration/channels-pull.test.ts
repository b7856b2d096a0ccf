import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channelAccounts, orders, platformOrderLines, platformOrders, products } from "@/db/schema";
import { ChannelError } from "@/server/channels/types";
import { withRetries } from "@/server/channels/http";
import { getAccountRow } from "@/server/services/channels/accounts";
import { ingestOrders } from "@/server/services/channels/ingest";
import { saveSkuMapping } from "@/server/services/channels/mappings";
import { pullOrders } from "@/server/services/channels/pull";
import { moveStock } from "@/server/services/inventory/ledger";
import { inTransaction, systemContext } from "@/server/context";
import { shopifyConnector } from "@/server/channels/shopify/connector";
import { readCredentials, accountRef } from "@/server/services/channels/accounts";
import type { ShopifySimulator } from "../simulators/shopify/server";
import { closeTestDb, svcCtx, testDb } from "../helpers/db";
import { authorizedShop, merchantWithStock, startSim, webhookEndpoint } from "./channels-kit";

let sim: ShopifySimulator;
beforeAll(async () => {
  process.env.CHANNEL_HTTP_TIMEOUT_MS = "1000";
  sim = await startSim();
});
afterAll(async () => {
  await sim.stop();
  await closeTestDb();
});

const noSleep = { sleep: async () => {} };
const window = () => ({ from: new Date(Date.now() - 3600_000), to: new Date(Date.now() + 60_000) });

async function platformRows(orgId: string, accountId: string) {
  return testDb().select().from(platformOrders).where(and(eq(platformOrders.orgId, orgId), eq(platformOrders.accountId, accountId)));
}
async function systemOrderCount(orgId: string) {
  const [r] = await testDb().select({ n: sql<number>`count(*)::int` }).from(orders).where(eq(orders.orgId, orgId));
  return r!.n;
}

describe("order pull", () => {
  it("imports orders, converts the mapped ones, and records every blocker on the row", async () => {
    const m = await merchantWithStock({ A1: "100", B1: "100", OFF1: "100", LOW1: "1" });
    await testDb().update(products).set({ enabled: false }).where(eq(products.id, m.productIds.OFF1!));
    const { shop, account } = await authorizedShop(sim, m);
    const ctx = svcCtx(m.org);
    for (const [p, s] of [["P-A", "A1"], ["P-OFF", "OFF1"], ["P-LOW", "LOW1"]] as const) {
      await saveSkuMapping(ctx, { accountId: account.id, platformSku: p, items: [{ sku: s, quantity: "1" }] });
    }
    // A bundle: one P-KIT = 2 × A1 + 1 × B1.
    await saveSkuMapping(ctx, { accountId: account.id, platformSku: "P-KIT", items: [{ sku: "A1", quantity: "2" }, { sku: "B1", quantity: "1" }] });
    const ok = sim.createOrder(shop, { lineItems: [{ sku: "P-A", quantity: 2 }] });
    const kit = sim.createOrder(shop, { lineItems: [{ sku: "P-KIT", quantity: 3, price: "30.00" }] });
    const unmapped = sim.createOrder(shop, { lineItems: [{ sku: "P-NEW", quantity: 1 }] });
    const disabled = sim.createOrder(shop, { lineItems: [{ sku: "P-OFF", quantity: 1 }] });
    const noStock = sim.createOrder(shop, { lineItems: [{ sku: "P-LOW", quantity: 5 }] });

    const { run } = await pullOrders(systemContext(testDb(), m.org.orgId, "test"), { accountId: account.id, trigger: "manual", ...window() }, noSleep);
    expect(run.status).toBe("ok");
    expect(run).toMatchObject({ fetched: 5, created: 5, converted: 2, blocked: 3 });

    const rows = await platformRows(m.org.orgId, account.id);
    const byNo = (o: { name: string }) => rows.find((r) => r.platformOrderNo === o.name)!;
    expect(byNo(ok).state).toBe("processed");
    expect(byNo(kit).state).toBe("processed");
    expect(byNo(unmapped).blockers).toEqual([{ kind: "unmapped_sku", platformSku: "P-NEW" }]);
    expect(byNo(disabled).blockers.map((b) => b.kind)).toEqual(["disabled_product"]);
    expect(byNo(noStock).blockers.map((b) => b.kind)).toEqual(["no_stock"]);
    for (const o of [unmapped, disabled, noStock]) expect(byNo(o)).toMatchObject({ state: "pending", orderId: null });

    // The bundle expanded into its components (3 kits = 6 × A1 + 3 × B1), reserved because the order is paid.
    const [kitOrder] = await testDb().select().from(orders).where(eq(orders.id, byNo(kit).orderId!));
    expect(kitOrder!.status).toBe("stock_up");
    const lines = await testDb().execute(sql`select sku, quantity::text from order_lines where order_id = ${kitOrder!.id} order by sku`);
    expect((lines as unknown as { sku: string; quantity: string }[]).map((l) => `${l.sku}*${Number(l.quantity)}`)).toEqual(["A1*6", "B1*3"]);

    // Fix every cause; the next pull (nothing new on the platform) converts them.
    await saveSkuMapping(ctx, { accountId: account.id, platformSku: "P-NEW", items: [{ sku: "B1", quantity: "1" }] });
    expect((await platformRows(m.org.orgId, account.id)).find((r) => r.platformOrderNo === unmapped.name)!.state).toBe("processed");
    await testDb().update(products).set({ enabled: true }).where(eq(products.id, m.productIds.OFF1!));
    await inTransaction(ctx, (tx) => moveStock(tx, { productId: m.productIds.LOW1!, warehouseId: m.warehouseId, kind: "receipt", onHandDelta: "10", refType: "test" }));
    const second = await pullOrders(systemContext(testDb(), m.org.orgId, "test"), { accountId: account.id, trigger: "manual", ...window() }, noSleep);
    expect(second.run.created).toBe(0);
    const after = await platformRows(m.org.orgId, account.id);
    expect(after.every((r) => r.state === "processed" && r.orderId && r.blockers.length === 0)).toBe(true);
    expect(await systemOrderCount(m.org.orgId)).toBe(5);
  });

  it("survives injected 429s, 500s, throttling and timeouts with every order imported exactly once", async () => {
    const m = await merchantWithStock({ S1: "100000" });
    const { shop, account } = await authorizedShop(sim, m, { pageSize: 7 });
    await saveSkuMapping(svcCtx(m.org), { accountId: account.id, platformSku: "P-S1", items: [{ sku: "S1", quantity: "1" }] });
    for (let i = 0; i < 60; i++) sim.createOrder(shop, { lineItems: [{ sku: "P-S1", quantity: 1 + (i % 3) }] });
    sim.faults.set(shop, { queue: ["429", "500", "timeout", "throttle"], rate429: 0.3, rate500: 0.1, rateTimeout: 0.05, operations: ["Orders"] });
    // The faults are injected (a "throttle" among them); the real bucket is not this test's subject, and
    // with no-wait retries it would restore only by wall-clock time — a race with the machine's speed.
    // The shared real bucket is exercised by the concurrent-pull test below, with real waits.
    const realBucket = sim.bucketSize;
    sim.bucketSize = 1_000_000;
    let run;
    try {
      ({ run } = await pullOrders(systemContext(testDb(), m.org.orgId, "test"), { accountId: account.id, trigger: "manual", ...window() }, noSleep));
    } finally {
      sim.faults.delete(shop);
      sim.bucketSize = realBucket;
    }
    expect(run.status).toBe("ok");
    expect(run.retries).toBeGreaterThanOrEqual(4);
    const rows = await platformRows(m.org.orgId, account.id);
    expect(rows).toHaveLength(60);
    expect(new Set(rows.map((r) => r.platformOrderId)).size).toBe(60);
    expect(await systemOrderCount(m.org.orgId)).toBe(60);
    const [lines] = await testDb().select({ n: sql<number>`count(*)::int` }).from(platformOrderLines).where(eq(platformOrderLines.orgId, m.org.orgId));
    expect(lines!.n).toBe(60);
  });

  it("gives up after the retry budget and leaves the cursor where it was", async () => {
    const m = await merchantWithStock({ S1: "10" });
    const { shop, account } = await authorizedShop(sim, m);
    sim.createOrder(shop, { lineItems: [{ sku: "P", quantity: 1 }] });
    sim.faults.set(shop, { rate500: 1, operations: ["Orders"] });
    const { run } = await pullOrders(systemContext(testDb(), m.org.orgId, "test"), { accountId: account.id, trigger: "schedule" }, noSleep);
    sim.faults.delete(shop);
    expect(run.status).toBe("failed");
    expect(run.error).toContain("upstream");
    const acct = await getAccountRow({ db: testDb(), orgId: m.org.orgId }, account.id);
    expect(acct.lastPullResult).toBe("failed");
    expect(acct.pullCursor).toBeNull();
  });

  it("is idempotent under duplicate, shuffled webhooks and concurrent pulls of the same window", async () => {
    const m = await merchantWithStock({ S1: "1000" });
    // Four pullers and the webhook-started pulls share the shop's real 1,000-point bucket: they must
    // wait as long as the throttle status says (a no-wait retry would spend its budget in milliseconds).
    const waits = {};
    const hints: Promise<unknown>[] = [];
    let accountRow: Awaited<ReturnType<typeof authorizedShop>>["account"] | null = null;
    const endpoint = await webhookEndpoint(async ({ orgId, accountId }) => {
      // Each hint starts a pull; concurrent ones join the running pull or run right after it.
      hints.push(pullOrders(systemContext(testDb(), orgId, "test"), { accountId, trigger: "webhook" }, waits).catch(() => null));
    });
    sim.holdWebhooks = true;
    try {
      const { shop, account } = await authorizedShop(sim, m, { appUrl: endpoint.url, pageSize: 5 });
      accountRow = account;
      await saveSkuMapping(svcCtx(m.org), { accountId: account.id, platformSku: "P-S1", items: [{ sku: "S1", quantity: "1" }] });
      const created = [];
      for (let i = 0; i < 20; i++) created.push(sim.createOrder(shop, { lineItems: [{ sku: "P-S1", quantity: 1 }], financialStatus: "PENDING" }));
      for (const o of created.slice(0, 5)) sim.updateOrder(shop, o.id, { financialStatus: "PAID" });
      // Every delivery three times, in random order; plus four pulls of the same window, all at once.
      const [statuses] = await Promise.all([
        sim.flushWebhooks({ copies: 3, shuffle: true }),
        ...Array.from({ length: 4 }, async () => {
          const a = await getAccountRow({ db: testDb(), orgId: m.org.orgId }, account.id);
          const connectorPage = async (cursor: string | null) =>
            shopifyConnector.listOrders({ account: accountRef(a), credentials: readCredentials(a)!, ...window(), cursor });
          let cursor: string | null = null;
          do {
            const page = await withRetries(() => connectorPage(cursor), { ...waits, maxAttempts: 40 });
            const r = await ingestOrders(systemContext(testDb(), a.orgId, "test"), a, page.orders);
            expect(r.failed).toEqual([]);
            cursor = page.nextCursor;
          } while (cursor);
        }),
      ]);
      expect(statuses.every((s) => s === 200)).toBe(true);
      await Promise.all(hints);
      const last = await pullOrders(systemContext(testDb(), m.org.orgId, "test"), { accountId: account.id, trigger: "manual", ...window() }, waits);
      expect(last.run.status).toBe("ok");
    } finally {
      sim.holdWebhooks = false;
      await endpoint.close();
    }
    const rows = await platformRows(m.org.orgId, accountRow!.id);
    expect(rows).toHaveLength(20);
    expect(new Set(rows.map((r) => r.platformOrderId)).size).toBe(20);
    expect(rows.filter((r) => r.normalizedStatus === "unshipped")).toHaveLength(5);
    expect(await systemOrderCount(m.org.orgId)).toBe(20);
    const stockUp = await testDb().select().from(orders).where(and(eq(orders.orgId, m.org.orgId), eq(orders.status, "stock_up")));
    expect(stockUp).toHaveLength(5);
  });

  it("updates a changed order in place and never rolls back to an older version", async () => {
    const m = await merchantWithStock({ S1: "10" });
    const { shop, account } = await authorizedShop(sim, m);
    const o = sim.createOrder(shop, { lineItems: [{ sku: "P-S1", quantity: 1 }], financialStatus: "PENDING" });
    await pullOrders(systemContext(testDb(), m.org.orgId, "test"), { accountId: account.id, trigger: "manual", ...window() }, noSleep);
    const a = await getAccountRow({ db: testDb(), orgId: m.org.orgId }, account.id);
    const page1 = await shopifyConnector.listOrders({ account: accountRef(a), credentials: readCredentials(a)!, ...window(), cursor: null });
    sim.updateOrder(shop, o.id, { cancel: true });
    await pullOrders(systemContext(testDb(), m.org.orgId, "test"), { accountId: account.id, trigger: "manual", ...window() }, noSleep);
    // A late, older copy of the order (an out-of-order webhook or a slow pull) changes nothing.
    const stale = await ingestOrders(systemContext(testDb(), a.orgId, "test"), a, page1.orders);
    expect(stale).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    const rows = await platformRows(m.org.orgId, account.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ normalizedStatus: "cancelled", state: "voided" });
  });

  it("one malformed order never blocks the rest of its page", async () => {
    const m = await merchantWithStock({ S1: "10" });
    const { account } = await authorizedShop(sim, m);
    const good = (id: string) => ({
      platformOrderId: id,
      platformOrderNo: id,
      platformStatus: "PAID",
      status: "pending" as const,
      createdAt: new Date(),
      updatedAt: new Date(),
      currency: "USD",
      totalAmount: "1",
      buyerName: "x",
      buyerEmail: null,
      shipping: { name: "x", phone: "1", country: "US", province: "", city: "", district: "", street: "s", postcode: "" },
      shippingMethod: "",
      remark: "",
      lines: [{ platformLineId: "1", platformSku: "Z", title: "z", quantity: "1", unitPrice: "1" }],
      raw: {},
    });
    const bad = { ...good("bad"), lines: [{ platformLineId: "1", platformSku: "Z", title: "z", quantity: "-3", unitPrice: "1" }] };
    const tooLong = { ...good("x".repeat(300)) };
    const r = await ingestOrders(systemContext(testDb(), account.orgId, "test"), account, [good("g1"), bad, good("g2"), tooLong]);
    expect(r.created).toBe(2);
    expect(r.failed.map((f) => f.platformOrderId.slice(0, 3))).toEqual(["bad", "xxx"]);
  });

  it("refreshes the token before it expires and marks the shop expired when the refresh is refused", async () => {
    const m = await merchantWithStock({ S1: "10" });
    const { shop, account } = await authorizedShop(sim, m);
    const firstToken = readCredentials(account)!.accessToken;
    sim.createOrder(shop, { lineItems: [{ sku: "P", quantity: 1 }] });
    // 55 minutes later the 1-hour token is inside the refresh margin: the pull refreshes first.
    sim.advanceClock(55 * 60_000);
    await testDb().update(channelAccounts).set({ accessTokenExpiresAt: new Date(Date.now() + 5 * 60_000) }).where(eq(channelAccounts.id, account.id));
    const { run } = await pullOrders(systemContext(testDb(), m.org.orgId, "test"), { accountId: account.id, trigger: "manual", ...window() }, noSleep);
    expect(run.status).toBe("ok");
    const refreshed = await getAccountRow({ db: testDb(), orgId: m.org.orgId }, account.id);
    expect(readCredentials(refreshed)!.accessToken).not.toBe(firstToken);
    expect(sim.store(shop).tokens.find((t) => t.accessToken === firstToken)!.revoked).toBe(true);

    // 91 days on, even the refresh token is dead: the account shows token_expired.
    sim.advanceClock(91 * 24 * 3600_000);
    const second = await pullOrders(systemContext(testDb(), m.org.orgId, "test"), { accountId: account.id, trigger: "manual", ...window() }, noSleep);
    expect(second.run.status).toBe("failed");
    const expired = await getAccountRow({ db: testDb(), orgId: m.org.orgId }, account.id);
    expect(expired.status).toBe("token_expired");
    expect(expired.lastError).toContain("invalid_grant");
    sim.advanceClock(-(91 * 24 * 3600_000 + 55 * 60_000));
  });

  it("withRetries waits what the platform asks and gives up on request errors at once", async () => {
    const waits: number[] = [];
    let n = 0;
    const v = await withRetries(
      async () => {
        n++;
        if (n === 1) throw new ChannelError("rate_limited", "slow down", { retryAfterMs: 2000 });
        if (n === 2) throw new ChannelError("upstream", "502");
        return "ok";
      },
      { sleep: async (ms) => void waits.push(ms) },
    );
    expect(v).toBe("ok");
    expect(waits[0]).toBe(2050);
    await expect(withRetries(async () => Promise.reject(new ChannelError("invalid_request", "bad")), { sleep: async () => {} })).rejects.toThrow("bad");
  });
});
