import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simulatorUrl } from "@/server/channels/endpoints";
import { DATE_TIME } from "@/lib/i18n/date-time";
import { PULL_FAILURES_BEFORE_BACKOFF, pullRetryDelayMinutes } from "@/server/services/channels/pull-health";
import { MAX_ATTEMPTS } from "@/server/services/outbox/outbox";
import { ShopifySimulator } from "../simulators/shopify/server";
import { DEMO_USER, launch, newPage, signIn, browserTrpc } from "./browser";
import { simClient } from "./channel-steps";

/**
 * A marketplace that goes down, as the merchant's operator sees it on the accounts page (issue 15,
 * drill 3), produced by the real app against the Shopify simulator — no state written by hand:
 * a shop of its own is authorized and pulled once; then the simulator answers every call with 500.
 * The order shipped meanwhile cannot be pushed back, nor its stock change: the outbox relay retries
 * both (RetryLater, 5 s each) until they are dead. Three fetches from the page fail in a row: the account shows the platform's error,
 * "已连续失败 3 次" and the backed-off next pull. Once the platform is back the dead letters, listed with
 * their shop, are retried by hand from the page: the tracking number and the stock arrive on the platform.
 */
const SIM = simulatorUrl("shopify");
const SHOP = `e2e-down-${Date.now().toString(36)}`;
const ALIAS = `故障演练店 ${SHOP.slice(-5)}`;
const PLATFORM_SKU = "TSHIRT-WHITE-L";
let sim: ShopifySimulator | null = null;
let browser: Browser;
let page: Page;

const simJson = simClient(SIM);

const poll = <T>(fn: () => Promise<T> | T, opts: { timeout?: number; interval?: number } = {}) => expect.poll(fn, { timeout: 90_000, interval: 500, ...opts });
const trpc = <T>(path: string, input: unknown, mutation = false) => browserTrpc<T>(page, path, input, mutation);

type Account = { id: string; alias: string; pullFailures: number; backingOff: boolean; lastPullAt: string | null; nextPullAt: string | null; lastPullResult: string | null };
const account = async () => (await trpc<Account[]>("channels.list", {})).find((a) => a.alias === ALIAS)!;
const row = () => page.getByTestId(`account-row-${ALIAS}`);

/** 抓取订单 from the account's row; waits for the run to finish and returns its status. */
async function fetchFromPage(): Promise<string> {
  await page.goto("/channels");
  await row().getByTestId("account-fetch").click();
  await page.getByTestId("fetch-start").click();
  const status = page.getByTestId("fetch-status");
  // A failing page is retried with backoff (up to 8 attempts) before the run gives up.
  await poll(() => status.getAttribute("data-status"), { timeout: 150_000, interval: 1000 }).toMatch(/ok|partial|failed/);
  const s = (await status.getAttribute("data-status"))!;
  await page.keyboard.press("Escape");
  return s;
}

beforeAll(async () => {
  const up = await fetch(`${SIM}/_sim/health`).then((r) => r.ok).catch(() => false);
  if (!up) {
    sim = new ShopifySimulator();
    await sim.start(Number(new URL(SIM).port));
  }
  await simJson(`/_sim/shops/${SHOP}/reset`, {});
  browser = await launch();
  page = await newPage(browser, "zh-CN");
  await signIn(page, DEMO_USER.email, DEMO_USER.password);
});

afterAll(async () => {
  await fetch(`${SIM}/_sim/shops/${SHOP}/faults`, { method: "POST", body: "{}" }).catch(() => {});
  await browser?.close();
  await sim?.stop();
});

describe("a marketplace that goes down, on the accounts page", () => {
  it("shows the error, the failures in a row and the backed-off next pull; lists the dead ship-back and stock push with their shop and retries them by hand", async () => {
    // A shop of its own (automatic pulls every 15 minutes), authorized through the simulator's install page.
    const created = await trpc<{ id: string }>(
      "channels.create",
      { platform: "shopify", alias: ALIAS, shopDomain: SHOP, useSimulator: true, pullMode: "auto", pullIntervalMinutes: 15, importEnabled: true },
      true,
    );
    await trpc("skuMappings.save", { accountId: created.id, platformSku: PLATFORM_SKU, items: [{ sku: "00021002", quantity: "1" }] }, true);
    await page.goto("/channels");
    await page.goto((await row().getByTestId("account-authorize").getAttribute("href"))!);
    await page.locator("#sim-install").click();
    await page.waitForURL((u) => u.pathname === "/channels" && u.searchParams.get("auth") !== null);
    await poll(() => row().getByTestId("account-status").textContent()).toBe("启用中");

    // The platform is up: one order, fetched and converted. A successful pull puts the next automatic
    // one an interval ahead, so the scheduler stays out of the failures counted below.
    await simJson(`/_sim/shops/${SHOP}/orders`, { lineItems: [{ sku: PLATFORM_SKU, quantity: 1, price: "19.90", title: "Cotton tee white L" }], customerName: "Eve Drill" });
    expect(await fetchFromPage()).toBe("ok");
    const pos = await trpc<{ items: { id: string; orderNo: string | null; accountId: string }[] }>("platformOrders.list", { filter: { state: "processed", accountId: created.id } });
    expect(pos.items).toHaveLength(1);
    const orderNo = pos.items[0]!.orderNo!;

    // The platform goes down: every call answers 500.
    await simJson(`/_sim/shops/${SHOP}/faults`, { rate500: 1 });

    // The warehouse ships the order; its ship-back cannot reach the platform.
    const outbound = await trpc<{ items: { id: string; status: string }[] }>("outbound.list", { search: orderNo });
    expect(outbound.items).toHaveLength(1);
    if (outbound.items[0]!.status === "pending_audit") await trpc("outbound.audit", { id: outbound.items[0]!.id }, true);
    const tracking = `1ZDOWN${Date.now()}`;
    await trpc("outbound.ship", { id: outbound.items[0]!.id, carrier: "UPS", trackingNumber: tracking }, true);

    // Three fetches from the page fail in a row (while the relay keeps retrying the ship-back).
    for (let i = 1; i <= PULL_FAILURES_BEFORE_BACKOFF; i++) {
      expect(await fetchFromPage()).toBe("failed");
      expect((await account()).pullFailures).toBe(i);
    }
    const a = await account();
    expect(a).toMatchObject({ pullFailures: 3, backingOff: true, lastPullResult: "failed" });
    // Backed off: the third failure in a row waits twice the first retries' 5 minutes.
    const waitMin = (new Date(a.nextPullAt!).getTime() - new Date(a.lastPullAt!).getTime()) / 60_000;
    expect(Math.round(waitMin)).toBe(pullRetryDelayMinutes(3, 15));
    expect(Math.round(waitMin)).toBe(10);

    // The accounts page says so: the platform's error, the count, and when the next pull is (merchant's zone).
    const zone = (await trpc<{ org: { timezone: string } }>("account.me", undefined)).org.timezone;
    const nextText = new Intl.DateTimeFormat("zh-CN", { ...DATE_TIME, timeZone: zone }).format(new Date(a.nextPullAt!));
    await page.goto("/channels");
    await poll(() => row().getByTestId("pull-result").textContent()).toBe("失败");
    const summary = (await row().getByTestId("pull-summary").textContent())!;
    expect(summary).toContain("平台服务异常");
    expect(summary).toContain("Shopify 500");
    const backoff = (await row().getByTestId("pull-backoff").textContent())!;
    expect(backoff).toContain("已连续失败 3 次");
    expect(backoff).toContain(`下次 ${nextText}`);

    // The ship-back gave up after its attempts, and so did the stock push the shipment caused: both are
    // dead letters on this page, with their shop. (The page refetches its dead letters every 15 s.)
    const dead = page.getByTestId("dead-letters").locator("tr", { hasText: ALIAS });
    const deadShip = dead.filter({ hasText: "channels.push_shipment" });
    const deadStock = dead.filter({ hasText: "channels.push_stock" });
    await poll(async () => [await deadShip.count(), await deadStock.count()], { timeout: 180_000, interval: 1000 }).toEqual([1, 1]);
    for (const r of [deadShip, deadStock]) {
      const text = (await r.textContent())!;
      expect(text).toContain(String(MAX_ATTEMPTS));
      expect(text).toContain("Shopify 500");
    }
    const snapBefore = await simJson<{ orders: { fulfillments: { trackingNumber: string }[] }[] }>(`/_sim/shops/${SHOP}`);
    expect(snapBefore.orders.flatMap((o) => o.fulfillments)).toHaveLength(0);

    // The platform is back; the operator retries the ship-back from the page: it leaves the list and is delivered.
    await simJson(`/_sim/shops/${SHOP}/faults`, {});
    await deadShip.getByRole("button", { name: "重试" }).click();
    await poll(() => page.locator("[data-sonner-toast]").first().textContent()).toContain("已重新排队");
    await poll(() => deadShip.count()).toBe(0);
    expect(await deadStock.count()).toBe(1);
    await poll(
      async () => {
        const snap = await simJson<{ orders: { fulfillments: { trackingNumber: string }[] }[] }>(`/_sim/shops/${SHOP}`);
        return snap.orders.flatMap((o) => o.fulfillments.map((f) => f.trackingNumber));
      },
      { timeout: 60_000, interval: 1000 },
    ).toEqual([tracking]);
    const shipped = await trpc<{ items: { trackingNumber: string | null }[] }>("platformOrders.list", { filter: { state: "marked_shipped", accountId: created.id } });
    expect(shipped.items.map((p) => p.trackingNumber)).toEqual([tracking]);
    // Then the stock push: the platform gets the stock as it is now.
    const setsBefore = (await simJson<{ inventorySets: number }>(`/_sim/shops/${SHOP}`)).inventorySets;
    await deadStock.getByRole("button", { name: "重试" }).click();
    await poll(() => deadStock.count()).toBe(0);
    await poll(async () => (await simJson<{ inventorySets: number }>(`/_sim/shops/${SHOP}`)).inventorySets, { timeout: 60_000 }).toBeGreaterThan(setsBefore);
    // Still gone after a reload (delivered, not just hidden): once the dead letters have loaded.
    await page.reload();
    await page.getByTestId("dead-letters").or(page.getByText("没有死信")).first().waitFor();
    expect(await dead.count()).toBe(0);

    // The next pull succeeds and the account stops backing off.
    expect(await fetchFromPage()).toMatch(/ok|partial/);
    await page.goto("/channels");
    await poll(() => row().getByTestId("pull-result").textContent()).toBe("成功");
    expect(await row().getByTestId("pull-backoff").count()).toBe(0);
    expect(await account()).toMatchObject({ pullFailures: 0, backingOff: false });
  }, 900_000);
});
