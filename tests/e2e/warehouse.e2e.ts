import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_USER, launch, newPage, signIn, browserTrpc } from "./browser";

/**
 * The warehouse loop in a browser, on the demo merchant: receive stock on an inbound receipt, approve an
 * order, audit and ship its outbound order with a tracking number, return one line and restock it — and
 * the stock page shows every step (on hand, reserved, available).
 */
let browser: Browser;
let page: Page;

const SKU = "00041001";
const WH = "WH-SZ";
/** Dev servers compile each route on first use: generous waits. */
const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 90_000, interval: 500 });

/** tRPC through this test's signed-in page. */
const trpc = <T>(path: string, input: unknown, mutation = false) => browserTrpc<T>(page, path, input, mutation);

/** On hand / reserved / available of the SKU in the warehouse, as the stock page shows them. */
async function stockRow() {
  await page.goto(`/inventory?q=${SKU}&wh=`);
  const cell = (kind: string) => page.getByTestId(`${kind}-${SKU}-${WH}`);
  await cell("onhand").waitFor();
  const read = async (kind: string) => Number((await cell(kind).innerText()).replace(/[^\d.-]/g, ""));
  return { onHand: await read("onhand"), reserved: await read("reserved"), available: await read("available") };
}

async function expectStock(expected: { onHand: number; reserved: number; available: number }) {
  await poll(async () => stockRow()).toEqual(expected);
}

beforeAll(async () => {
  browser = await launch();
  page = await newPage(browser, "zh-CN");
  await signIn(page, DEMO_USER.email, DEMO_USER.password);
});

afterAll(async () => {
  await browser?.close();
});

describe("warehouse", () => {
  it("receive → approve → audit → ship with tracking → return one line and restock; the stock page follows every step", { timeout: 900_000 }, async () => {
    const start = await stockRow();
    expect(start.available).toBe(start.onHand - start.reserved);

    // 1. Inbound receipt: a draft with one line, submitted, received in full.
    await page.goto("/inbound/new");
    await page.getByTestId("inbound-warehouse").selectOption({ label: `${WH} · 深圳主仓` });
    await page.locator("#supplier").fill("宁波针织厂");
    await page.getByTestId("line-sku-0").fill(SKU);
    await page.getByTestId("line-qty-0").fill("20");
    await page.getByTestId("inbound-save").click();
    await page.waitForURL(/\/inbound\/[0-9a-f-]{36}$/);
    await page.getByTestId("inbound-submit").click();
    await page.getByTestId("confirm-ok").click();
    await page.getByTestId("inbound-receive").click();
    await expect.poll(() => page.getByTestId(`receive-${SKU}`).inputValue()).toMatch(/^20/);
    await page.getByTestId("receive-confirm").click();
    await poll(() => page.getByTestId("inbound-status").getAttribute("data-status")).toBe("received");
    await page.getByTestId("inbound-movements").getByText("+20").first().waitFor();
    await expectStock({ onHand: start.onHand + 20, reserved: start.reserved, available: start.available + 20 });

    // 2. An order for 3 of them, approved on the order page: stock is reserved, an outbound order appears.
    const order = await trpc<{ id: string; orderNo: string }>(
      "orders.create",
      { clientNum: "10331", lines: [{ sku: SKU, quantity: "3", unitPrice: "129" }], idempotencyKey: `e2e-wh-${Date.now()}` },
      true,
    );
    await page.goto(`/orders/${order.id}`);
    await page.getByTestId("action-approve").click();
    await page.getByTestId("confirm-ok").click();
    await poll(() => page.locator("[data-testid=order-status] [data-status]").getAttribute("data-status")).toBe("stock_up");
    await expectStock({ onHand: start.onHand + 20, reserved: start.reserved + 3, available: start.available + 17 });

    // 3. Outbound: find it by order number, audit, ship with carrier + tracking number.
    await page.goto(`/outbound?q=${order.orderNo}`);
    const link = page.getByTestId("outbound-table").getByRole("link", { name: /^OB-/ });
    await link.waitFor();
    await link.click();
    await page.waitForURL(/\/outbound\/[0-9a-f-]{36}$/);
    await poll(() => page.getByTestId("outbound-status").getAttribute("data-status")).toBe("pending_audit");
    await page.getByTestId("outbound-audit").click();
    await poll(() => page.getByTestId("outbound-status").getAttribute("data-status")).toBe("audited");
    await page.getByTestId("outbound-ship").click();
    await page.getByTestId("ship-carrier").fill("顺丰速运");
    await page.getByTestId("ship-tracking").fill("SF1400123456789");
    await page.getByTestId("ship-confirm").click();
    await poll(() => page.getByTestId("outbound-status").getAttribute("data-status")).toBe("shipped");
    await poll(() => page.getByTestId("outbound-tracking").innerText()).toBe("SF1400123456789");
    await page.getByTestId("outbound-movements").getByText("-3").first().waitFor();
    await expectStock({ onHand: start.onHand + 17, reserved: start.reserved, available: start.available + 17 });

    // The order shipped with it.
    await page.goto(`/orders/${order.id}`);
    await poll(() => page.locator("[data-testid=order-status] [data-status]").getAttribute("data-status")).toBe("shipped");

    // 4. Return one of the three from the order page, receive it, inspect and restock it.
    await page.getByTestId("order-returns").getByRole("link").first().click();
    await page.waitForURL(/\/returns\/new/);
    await page.getByTestId(`return-qty-${SKU}`).fill("1");
    await page.getByTestId("return-reason").fill("尺码不合适");
    await page.getByTestId("return-create").click();
    await page.waitForURL(/\/returns\/[0-9a-f-]{36}$/);
    await page.getByTestId("return-receive").click();
    await page.getByTestId("return-receive-confirm").click();
    await poll(() => page.getByTestId("return-status").getAttribute("data-status")).toBe("received");
    await page.getByTestId("return-inspect").click();
    await expect.poll(() => page.getByTestId(`disposition-${SKU}`).inputValue()).toBe("restock");
    await page.getByTestId("return-inspect-confirm").click();
    await poll(() => page.getByTestId("return-status").getAttribute("data-status")).toBe("inspected");
    await page.getByTestId("return-movements").getByText("+1").first().waitFor();
    await expectStock({ onHand: start.onHand + 18, reserved: start.reserved, available: start.available + 18 });

    // The order page lists the return; the SKU's journal has every step.
    await page.goto(`/orders/${order.id}`);
    await page.getByTestId("order-returns").getByText(/^RT-/).waitFor();
    const movements = await trpc<{ items: { kind: string }[] }>("inventory.movements", { search: SKU, limit: 10 });
    expect(movements.items.slice(0, 4).map((m) => m.kind)).toEqual(["return", "shipment", "reservation", "receipt"]);
  });
});
