import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simulatorUrl } from "@/server/channels/endpoints";
import { startLazadaSimulator, type LazadaSimulator } from "../simulators/lazada/server";
import { DEMO_USER, browserTrpc, launch, newPage, signIn } from "./browser";
import { authorizeDemoAccount, convertedOrderNo, fetchOrders, mapBlockedSku, poll, simClient } from "./channel-steps";

/**
 * Lazada in the browser, against the Lazada simulator (issue 12): authorize the demo PH shop (the
 * cross-border seller's MY and TH shops become accounts of their own), fetch, map the SKU that blocked
 * an order, watch it convert, ship it with a tracking number the platform assigns (向平台取号) and print
 * its AWB label; the parcel is handed over on the platform and the platform order is 已标记发货.
 */
const SIM = simulatorUrl("lazada");
let sim: LazadaSimulator | null = null;
let browser: Browser;
let page: Page;

const simJson = simClient(SIM);
const trpc = <T>(path: string, input: unknown, mutation = false) => browserTrpc<T>(page, path, input, mutation);

let socksOrder = 0;

beforeAll(async () => {
  // The dev server starts the simulators itself; a production server (CI) does not — then we do.
  const up = await fetch(`${SIM}/_sim/stats`).then((r) => r.ok).catch(() => false);
  if (!up) sim = await startLazadaSimulator({ port: Number(new URL(SIM).port) });
  const made = await simJson<{ orders: { orderId: number }[] }>("/_sim/orders", { venture: "ph", count: 2, skus: ["TSHIRT-WHITE-L", "SOCKS-3PK"], statuses: ["pending"], unitsPerLine: 1, createdAt: Date.now() - 3_600_000 });
  socksOrder = made.orders[1]!.orderId;
  browser = await launch();
  page = await newPage(browser, "zh-CN");
  await signIn(page, DEMO_USER.email, DEMO_USER.password);
});

afterAll(async () => {
  await browser?.close();
  await sim?.close();
});

describe("Lazada in the browser", () => {
  it("authorizes, fetches, maps the blocking SKU, converts, books the platform's carrier, prints the label and hands the parcel over", async () => {
    // 1. 授权验证 on the (simulated) Lazada consent page and back with "验证成功".
    const row = await authorizeDemoAccount(page, "Lazada 演示店", SIM, () => page.locator("#confirm").click());
    // The seller's other ventures are accounts of their own.
    await poll(() => page.getByTestId("account-row-Lazada 演示店 MY").count()).toBe(1);
    // 2. 抓取订单.
    await fetchOrders(page, row);
    // 3. The socks order is blocked (SOCKS-3PK has no mapping on this account): map it from its row.
    await mapBlockedSku(page, `/channels/orders?state=pending&orderNo=${socksOrder}`, "SOCKS-3PK", "00061001");
    // 4. It converted.
    const orderNo = await convertedOrderNo(page, `/channels/orders?state=processed&orderNo=${socksOrder}`, "SOCKS-3PK");

    // 5. Outbound: audit, then the ship dialog books Lazada's carrier and fills in its tracking number.
    const outbound = await trpc<{ items: { id: string; status: string }[] }>("outbound.list", { search: orderNo });
    expect(outbound.items).toHaveLength(1);
    const id = outbound.items[0]!.id;
    if (outbound.items[0]!.status === "pending_audit") await trpc("outbound.audit", { id }, true);
    await page.goto(`/outbound/${id}`);
    await page.getByTestId("outbound-ship").click();
    const dialog = page.getByTestId("ship-dialog");
    await dialog.getByTestId("platform-book").click();
    await poll(() => dialog.getByTestId("ship-tracking").inputValue()).toMatch(/^PH.+LZ$/);
    const tracking = await dialog.getByTestId("ship-tracking").inputValue();
    // 6. 打印面单: the stored AWB is a PDF.
    const href = (await dialog.getByTestId("platform-label").getAttribute("href"))!;
    const label = await page.request.get(href);
    expect(label.status()).toBe(200);
    expect(label.headers()["content-type"]).toContain("application/pdf");
    expect((await label.body()).subarray(0, 5).toString()).toBe("%PDF-");
    await dialog.getByTestId("ship-confirm").click();
    await poll(() => dialog.count()).toBe(0);

    // 7. The parcel is handed over on Lazada (ready_to_ship) and the platform order is 已标记发货.
    await poll(async () => (await simJson<{ items: { status: string }[] }>(`/_sim/orders/${socksOrder}`)).items.map((i) => i.status), { timeout: 60_000, interval: 1000 }).toEqual(["ready_to_ship"]);
    await page.goto(`/channels/orders?state=marked_shipped&orderNo=${socksOrder}`);
    await poll(() => page.getByTestId("platform-orders-table").textContent(), { timeout: 30_000 }).toContain(tracking);
  }, 900_000);
});
