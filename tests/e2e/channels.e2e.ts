import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_SHOPIFY_SHOP, simulatorUrl } from "@/server/channels/endpoints";
import { DEMO_SHOP_ORDERS } from "../simulators/index";
import { ShopifySimulator } from "../simulators/shopify/server";
import { DEMO_USER, launch, newPage, signIn, browserTrpc } from "./browser";
import { authorizeDemoAccount, convertedOrderNo, fetchOrders, mapBlockedSku, poll, simClient } from "./channel-steps";

/**
 * The merchant's whole channel loop in a browser, against the Shopify simulator: authorize the demo
 * shop (OAuth), fetch its orders, map the SKU that blocked one, watch that order convert, ship it in the
 * warehouse, and see the tracking number arrive on the (simulated) platform.
 */
const SIM = simulatorUrl("shopify");
const SHOP = DEMO_SHOPIFY_SHOP;
let sim: ShopifySimulator | null = null;
let browser: Browser;
let page: Page;

const simJson = simClient(SIM);


/** tRPC through this test's signed-in page. */
const trpc = <T>(path: string, input: unknown, mutation = false) => browserTrpc<T>(page, path, input, mutation);

beforeAll(async () => {
  // The dev server starts the simulators itself; a production server (CI) does not — then we do.
  const up = await fetch(`${SIM}/_sim/health`).then((r) => r.ok).catch(() => false);
  if (!up) {
    sim = new ShopifySimulator();
    await sim.start(Number(new URL(SIM).port));
  }
  await simJson(`/_sim/shops/${SHOP}/reset`, {});
  for (const o of DEMO_SHOP_ORDERS) await simJson(`/_sim/shops/${SHOP}/orders`, o);
  browser = await launch();
  page = await newPage(browser, "zh-CN");
  await signIn(page, DEMO_USER.email, DEMO_USER.password);
});

afterAll(async () => {
  await browser?.close();
  await sim?.stop();
});

describe("channels in the browser", () => {
  it("authorizes the demo shop, fetches, maps the blocking SKU, converts, ships and pushes the tracking number", async () => {
    // 1. 授权验证: out to the platform's install page and back with "验证成功".
    const row = await authorizeDemoAccount(page, "Shopify 演示店", SIM, () => page.locator("#sim-install").click());
    // 2. 抓取订单 with a progress indicator until the pull finishes.
    expect(await fetchOrders(page, row)).toContain("获取 4 个");
    // 3. The socks order is blocked: its row says why and links to the mapping.
    await mapBlockedSku(page, "/channels/orders?state=pending&platform=shopify", "SOCKS-3PK", "00061001");
    // 4. The blocked order converted at once (a mapping change retries what it blocked).
    const orderNo = await convertedOrderNo(page, "/channels/orders?state=processed&platform=shopify", "SOCKS-3PK");
    expect(await page.getByTestId("po-count-pending").textContent()).toBe("0");

    // 5. The warehouse ships it (outbound: audit, ship with carrier + tracking).
    const outbound = await trpc<{ items: { id: string; status: string }[] }>("outbound.list", { search: orderNo });
    expect(outbound.items).toHaveLength(1);
    if (outbound.items[0]!.status === "pending_audit") await trpc("outbound.audit", { id: outbound.items[0]!.id }, true);
    const tracking = `1ZE2E${Date.now()}`;
    await trpc("outbound.ship", { id: outbound.items[0]!.id, carrier: "UPS", trackingNumber: tracking }, true);

    // 6. The tracking number arrives on the platform; the platform order is 已标记发货.
    await poll(
        async () => {
          const snap = await simJson<{ orders: { fulfillments: { trackingNumber: string }[] }[] }>(`/_sim/shops/${SHOP}`);
          return snap.orders.flatMap((o) => o.fulfillments.map((f) => f.trackingNumber));
        },
        { timeout: 60_000, interval: 1000 },
      )
      .toContain(tracking);
    await page.goto("/channels/orders?state=marked_shipped");
    await poll(() => page.getByTestId("platform-orders-table").textContent(), { timeout: 30_000 }).toContain(tracking);
  }, 900_000);
});
