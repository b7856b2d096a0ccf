import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simulatorUrl } from "@/server/channels/endpoints";
import { dayInZone } from "@/lib/i18n/date-time";
import { ShopifySimulator } from "../simulators/shopify/server";
import { DEMO_USER, browserTrpc, launch, newPage, signIn } from "./browser";
import { authorizeDemoAccount, convertedOrderNo, fetchOrders, poll, simClient } from "./channel-steps";

/**
 * Issue 13's loop for a marketplace order, in a browser, against the Shopify simulator (a shop of its
 * own): a SKU cost and a USD rate entered, the order fetched, converted and shipped, its payout pulled
 * from the platform (拉取结算 on the accounts page) — and the settled fee in its profit on 订单利润 and in
 * 经营看板. Hand-computed, rate 7.0000 CNY per USD:
 *   2 × 20.00 USD = 40.00 USD → 280.00 CNY; Shopify Payments fee 2.9 % + 0.30 = 1.46 USD → 10.22 CNY;
 *   product cost 2 × 6.20 = 12.40 CNY; profit 280.00 − 10.22 − 12.40 = 257.38 CNY.
 */
const SIM = simulatorUrl("shopify");
const T = Date.now().toString(36);
const SHOP = `mf-fin-${T}`;
const SKU = `SETL${T.toUpperCase()}`;
const PLATFORM_SKU = `SHOP-${SKU}`;
const ALIAS = `结算演练店 ${T}`;
let sim: ShopifySimulator | null = null;
let browser: Browser;
let page: Page;
const trpc = <T>(path: string, input: unknown, mutation = false) => browserTrpc<T>(page, path, input, mutation);

const simJson = simClient(SIM);

beforeAll(async () => {
  const up = await fetch(`${SIM}/_sim/health`).then((r) => r.ok).catch(() => false);
  if (!up) {
    sim = new ShopifySimulator();
    await sim.start(Number(new URL(SIM).port));
  }
  await simJson(`/_sim/shops/${SHOP}/reset`, {});
  await simJson(`/_sim/shops/${SHOP}/orders`, { lineItems: [{ sku: PLATFORM_SKU, quantity: 2, price: "20.00", title: "Settlement drill tee" }], customerName: "Sam Payout", shipping: { city: "Austin", countryCode: "US", zip: "78701", address1: "1 Congress Ave" } });
  browser = await launch();
  page = await newPage(browser, "zh-CN");
  await signIn(page, DEMO_USER.email, DEMO_USER.password);
});

afterAll(async () => {
  await browser?.close();
  await sim?.stop();
});

describe("a marketplace order's settlement in its profit", () => {
  it("cost and rate → fetch, convert, ship → payout pulled from the platform → settled fee in 订单利润 and 经营看板", async () => {
    const me = await trpc<{ org: { timezone: string } }>("account.me", undefined);
    const today = dayInZone(me.org.timezone);
    const product = await trpc<{ id: string }>("products.create", { sku: SKU, name: `结算演练商品 ${T}`, price: "20" }, true);
    const warehouses = await trpc<{ id: string; code: string }[]>("warehouses.list", {});
    const wh = warehouses.find((w) => w.code === "WH-SZ") ?? warehouses[0]!;
    await trpc("inventory.adjust", { productId: product.id, warehouseId: wh.id, quantity: "10", reason: "e2e opening" }, true);
    await trpc("finance.costs.set", { sku: SKU, kind: "purchase", currency: "CNY", amount: "6.20", effectiveFrom: today, remark: "" }, true);
    await trpc("finance.rates.set", { rateDate: today, currency: "USD", rate: "7.0000" }, true);
    const account = await trpc<{ id: string }>("channels.create", { platform: "shopify", alias: ALIAS, shopDomain: SHOP, useSimulator: true, pullMode: "manual", pullIntervalMinutes: 15, importEnabled: true, settings: {} }, true);
    await trpc("skuMappings.save", { accountId: account.id, platformSku: PLATFORM_SKU, items: [{ sku: SKU, quantity: "1" }] }, true);

    // Authorize, fetch; the order converts (its SKU is mapped) and ships.
    const row = await authorizeDemoAccount(page, ALIAS, SIM, () => page.locator("#sim-install").click());
    await fetchOrders(page, row);
    const orderNo = await convertedOrderNo(page, `/channels/orders?state=processed&accountId=${account.id}`, PLATFORM_SKU);
    const outbound = await trpc<{ items: { id: string; status: string; orderId: string }[] }>("outbound.list", { search: orderNo });
    expect(outbound.items).toHaveLength(1);
    if (outbound.items[0]!.status === "pending_audit") await trpc("outbound.audit", { id: outbound.items[0]!.id }, true);
    await trpc("outbound.ship", { id: outbound.items[0]!.id, carrier: "UPS", trackingNumber: `1ZSET${T}` }, true);

    // Shopify pays the order out (a CHARGE with its processing fee); 拉取结算 on the accounts page.
    const snap = await simJson<{ orders: { id: number }[] }>(`/_sim/shops/${SHOP}`);
    const payout = await simJson<{ net: string }>(`/_sim/shops/${SHOP}/payouts`, { orderIds: [snap.orders[0]!.id] });
    expect(payout.net).toBe("38.54");
    await page.goto("/channels");
    await row.getByTestId("account-pull-settlements").click();
    await poll(() => row.getByTestId("settlement-pull-summary").textContent(), { timeout: 60_000 }).toMatch(/\S/);
    const { orderId } = outbound.items[0]!;
    await poll(async () => (await trpc<{ platformFees: string | null }>("finance.profit.byOrder", { orderId })).platformFees, { timeout: 60_000 }).toBe("10.22");
    const profit = await trpc<{ profit: string | null }>("finance.profit.byOrder", { orderId });
    expect(profit.profit).toBe("257.38");

    // 订单利润: the order's row shows the settled fee and the profit; 经营看板 by SKU the same profit.
    await page.goto(`/finance/profit?sku=${SKU}`);
    const profitRow = page.getByTestId("profit-table").locator("tr", { hasText: orderNo });
    await poll(() => profitRow.count()).toBe(1);
    await poll(() => profitRow.textContent()).toContain("257.38");
    expect(await profitRow.textContent()).toContain("10.22");
    await page.goto(`/finance/dashboard?from=${today}&to=${today}`);
    const skuRow = page.getByTestId("dashboard-sku").locator("tr", { hasText: SKU });
    await poll(() => skuRow.count()).toBe(1);
    expect(await skuRow.textContent()).toContain("257.38");
  }, 600_000);
});
