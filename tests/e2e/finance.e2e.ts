import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dayInZone } from "@/lib/i18n/date-time";
import { DEMO_USER, launch, newPage, signIn, browserTrpc } from "./browser";

/**
 * 财务管理 in a browser, on the demo merchant (reporting currency CNY), with a SKU and a customer of its
 * own so every figure is hand-computed: enter the SKU's purchase cost on SKU成本 (the date defaults to
 * the merchant's today), ship a manual order of 2 × 25.00 + 5.00 shipping with 7.30 freight entered in
 * the ship dialog, and read its profit on 订单利润 and in 经营看板 (by SKU); then record a partial payment
 * of 20.00 on the order and see the receivable: 55.00 due, 20.00 paid, 35.00 open, aged 0–30 days.
 * The carrier's bill imported on 订单利润 then replaces the freight entered on shipping.
 *
 *   profit = 50.00 items + 5.00 shipping − 2 × 6.20 product cost − 7.30 freight = 35.30
 *   after the bill (8.10 freight): 34.50
 */
let browser: Browser;
let page: Page;

const poll = <T>(fn: () => Promise<T> | T, opts: { timeout?: number } = {}) => expect.poll(fn, { timeout: 90_000, interval: 500, ...opts });
const trpc = <T>(path: string, input: unknown, mutation = false) => browserTrpc<T>(page, path, input, mutation);
const T = Date.now().toString(36).toUpperCase();
const SKU = `FIN${T}`;
const CLIENT = `C${T}`;

beforeAll(async () => {
  browser = await launch();
  page = await newPage(browser, "zh-CN");
  await signIn(page, DEMO_USER.email, DEMO_USER.password);
});

afterAll(async () => {
  await browser?.close();
});

describe("finance in the browser", () => {
  it("SKU cost → shipped order with freight → its profit on the list and the dashboard; a partial payment → the receivable", async () => {
    const me = await trpc<{ org: { timezone: string } }>("account.me", undefined);
    const today = dayInZone(me.org.timezone);
    // A SKU with stock of its own (an adjustment, not a receipt: its cost is the one in force on the order's day).
    const product = await trpc<{ id: string }>("products.create", { sku: SKU, name: `财务演练商品 ${T}`, price: "25" }, true);
    const warehouses = await trpc<{ id: string; code: string }[]>("warehouses.list", {});
    const wh = warehouses.find((w) => w.code === "WH-SZ") ?? warehouses[0]!;
    await trpc("inventory.adjust", { productId: product.id, warehouseId: wh.id, quantity: "10", reason: "e2e opening" }, true);
    await trpc("customers.create", { clientNum: CLIENT, companyName: `财务演练客户 ${T}`, addresses: [{ recipient: "赵会计", phone: "13700000000", province: "浙江省", city: "杭州市", street: "滨江路 1 号", isDefault: true }] }, true);

    // 1. SKU成本: 6.20 CNY per unit from today (the default date is the merchant's today).
    await page.goto("/finance/costs");
    await page.getByTestId("cost-new").click();
    const dialog = page.getByRole("dialog");
    await dialog.locator("#sku").fill(SKU);
    await dialog.locator("#amount").fill("6.20");
    expect(await dialog.locator("#effectiveFrom").inputValue()).toBe(today);
    await dialog.getByTestId("form-submit").click();
    await poll(() => page.getByTestId("costs-table").textContent()).toContain(SKU);
    expect(await page.getByTestId("costs-table").locator("tr", { hasText: SKU }).textContent()).toContain("6.2");

    // 2. A manual order, approved; its outbound order audited and shipped from its page with 7.30 freight.
    const order = await trpc<{ id: string; orderNo: string }>("orders.create", { clientNum: CLIENT, status: "stock_up", freight: "5", lines: [{ sku: SKU, quantity: "2", unitPrice: "25" }] }, true);
    const outbound = await trpc<{ items: { id: string; status: string }[] }>("outbound.list", { search: order.orderNo });
    expect(outbound.items).toHaveLength(1);
    if (outbound.items[0]!.status === "pending_audit") await trpc("outbound.audit", { id: outbound.items[0]!.id }, true);
    await page.goto(`/outbound/${outbound.items[0]!.id}`);
    await page.getByTestId("outbound-ship").click();
    const ship = page.getByTestId("ship-dialog");
    await ship.getByTestId("ship-carrier").fill("顺丰速运");
    await ship.getByTestId("ship-tracking").fill(`SF${T}`);
    await ship.getByTestId("ship-freight").fill("7.30");
    expect(await ship.locator("#ship-freight-currency").inputValue()).toBe("CNY");
    await ship.getByTestId("ship-confirm").click();
    await poll(async () => (await trpc<{ items: { status: string }[] }>("outbound.list", { search: order.orderNo })).items[0]!.status).toBe("shipped");

    // 3. 订单利润: the order's row, its figures and the totals row for this SKU.
    await page.goto(`/finance/profit?sku=${SKU}`);
    const row = page.getByTestId("profit-table").locator("tr", { hasText: order.orderNo });
    await poll(() => row.count()).toBe(1);
    const rowText = (await row.textContent())!;
    for (const figure of ["50.00", "5.00", "12.40", "7.30", "35.30", "64.18%"]) expect(rowText).toContain(figure);
    const totals = (await page.getByTestId("profit-totals").textContent())!;
    expect(totals).toContain("35.30");

    // 3b. The carrier's bill arrives (导入运费账单 on the same page): its 8.10 replaces the 7.30 entered on
    // shipping; a row with an unknown tracking number is reported and skipped. Profit: 35.30 + 7.30 − 8.10 = 34.50.
    await page.getByTestId("freight-import-open").click();
    const imp = page.getByTestId("freight-import");
    await imp.getByTestId("freight-bill-ref").fill(`BILL-${T}`);
    const bill = ["跟踪号,运费,币种", `SF${T},8.10,CNY`, `NOPE${T},1.00,CNY`].join("\n");
    await imp.getByTestId("freight-import-file").setInputFiles({ name: "bill.csv", mimeType: "text/csv", buffer: Buffer.from(bill, "utf8") });
    await poll(() => imp.getByTestId("freight-import-summary").textContent()).toContain("共 2 行：可导入 1 行，有错 1 行");
    expect(await imp.textContent()).toContain(`NOPE${T}`);
    expect(await imp.textContent()).toContain(order.orderNo);
    await imp.getByTestId("freight-import-confirm").click();
    await poll(() => imp.getByTestId("freight-import-done").textContent()).toContain("新增 1 行");
    await page.keyboard.press("Escape");
    await page.reload();
    await poll(() => row.textContent()).toContain("34.50");
    expect(await row.textContent()).toContain("8.10");

    // 4. 经营看板 for today: the SKU's row has the same sales and profit.
    await page.goto(`/finance/dashboard?from=${today}&to=${today}`);
    const skuRow = page.getByTestId("dashboard-sku").locator("tr", { hasText: SKU });
    await poll(() => skuRow.count()).toBe(1);
    const skuText = (await skuRow.textContent())!;
    expect(skuText).toContain("55.00");
    expect(skuText).toContain("34.50");

    // 5. A partial payment of 20.00 on the order page (the date defaults to the merchant's today).
    await page.goto(`/orders/${order.id}`);
    const payments = page.getByTestId("order-payments");
    await poll(() => payments.getByTestId("order-balance").textContent()).toContain("55.00");
    await payments.getByTestId("record-payment").click();
    const pay = page.getByRole("dialog");
    await pay.locator("#amount").fill("20");
    expect(await pay.locator("#paidOn").inputValue()).toBe(today);
    await pay.getByTestId("form-submit").click();
    await poll(() => payments.getByTestId("order-balance").textContent()).toMatch(/已收 20\.00.*未收 35\.00/);

    // 6. 应收: the customer owes 35.00, all of it 0–30 days old.
    await page.goto(`/finance/receivables?search=${CLIENT}`);
    const recv = page.getByTestId("receivables-table").locator("tr", { hasText: CLIENT });
    await poll(() => recv.count()).toBe(1);
    const cells = await recv.locator("td").allTextContents();
    // clientNum, company, orders, ordered, paid, open, 0–30, 31–60, 61–90, 90+
    expect(cells.slice(2).map((c) => c.trim())).toEqual(["1", "55.00", "20.00", "35.00", "35.00", "0.00", "0.00", "0.00"]);
  }, 600_000);
});
