import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_USER, launch, newPage } from "./browser";

let browser: Browser;
let page: Page;

/**
 * Sign in through Auth.js's credentials endpoint (the session cookie lands in the page's context). The
 * sign-in form itself is covered by the auth tests; here a slow `next dev` that reloads pages while
 * other files change must not make the orders test flaky.
 */
async function signInSteadily(p: Page) {
  for (let attempt = 1; ; attempt++) {
    const { csrfToken } = (await (await p.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
    await p.request.post("/api/auth/callback/credentials", {
      form: { csrfToken, email: DEMO_USER.email, password: DEMO_USER.password, callbackUrl: "/" },
      maxRedirects: 0,
    });
    await p.goto("/orders");
    if (!new URL(p.url()).pathname.startsWith("/sign-in")) return;
    if (attempt >= 3) throw new Error("could not sign in");
  }
}

beforeAll(async () => {
  browser = await launch();
  page = await newPage(browser);
  await signInSteadily(page);
});

afterAll(async () => {
  await browser?.close();
});

/** `next dev` on a busy machine compiles routes on first use: give UI changes time. */
const SLOW = { timeout: 90_000, interval: 250 };

const ORDER_URL = /\/orders\/[0-9a-f-]{36}$/;

async function statusOf(p: Page) {
  return p.locator("[data-testid=order-status] [data-status]").getAttribute("data-status");
}

async function act(p: Page, action: string, reason?: string) {
  await p.getByTestId(`action-${action}`).click();
  const dialog = p.getByTestId("confirm-dialog");
  await dialog.waitFor();
  if (reason) await dialog.locator("#confirm-reason").fill(reason);
  await p.getByTestId("confirm-ok").click();
  await dialog.waitFor({ state: "detached" });
}

describe("orders in the browser", () => {
  it("creates an order with two products and an attachment, approves it, copies it and closes the copy", async () => {
    await page.goto("/orders/new");
    await page.locator("[data-testid=order-form][data-ready]").waitFor();

    // Buyer: customer 10331 with its default address.
    await page.getByTestId("customer-search").fill("10331");
    await page.getByTestId("customer-option-10331").click();
    await page.getByTestId("customer-picked").waitFor();
    await expect.poll(() => page.locator("[data-testid^=address-]:checked").count(), SLOW).toBe(1);
    expect(await page.locator("#buyerCompany").inputValue()).toBe("杭州示例服饰有限公司");

    // Two products from the picker, with price and quantity set there.
    await page.getByTestId("add-products").click();
    await page.getByTestId("product-picker").waitFor();
    await page.getByTestId("picker-search").fill("0002100");
    await page.locator("[data-testid=product-picker]:not([data-searching])").waitFor();
    await page.getByTestId("picker-check-00021002").click();
    await page.getByTestId("picker-check-00021003").click();
    await page.getByTestId("picker-qty-00021002").fill("2");
    await page.getByTestId("picker-price-00021002").fill("12.5");
    await page.getByTestId("picker-confirm").click();
    await page.getByTestId("line-1").waitFor();

    // Edited in place with running totals: 2 × 12.5 + 1 × 29.9 = 54.90.
    await page.getByTestId("line-1-qty").fill("1.00001");
    await page.getByTestId("order-submit").click();
    // More decimals than the merchant allows: refused in place, never rounded.
    await page.locator("[data-field-error='lines.1']").waitFor();
    expect(await page.locator("[data-field-error='lines.1']").textContent()).toContain("4");
    await page.getByTestId("line-1-qty").fill("1");
    await expect.poll(() => page.getByTestId("lines-total").textContent(), SLOW).toBe("54.90");

    // An attachment, uploaded with progress before the order exists.
    const uploaded = page.waitForResponse((r) => r.url().endsWith("/api/orders/attachments") && r.status() === 201);
    await page.getByTestId("attachment-input").setInputFiles({ name: "合同-contract.txt", mimeType: "text/plain", buffer: Buffer.from("框架协议 2026") });
    await uploaded;

    await page.getByTestId("order-submit").click();
    await page.waitForURL(ORDER_URL);
    const firstUrl = page.url();
    await page.getByTestId("order-detail").waitFor();
    expect(await statusOf(page)).toBe("pending");
    const orderNo = (await page.getByTestId("order-no").textContent())!;
    expect(orderNo).toMatch(/^SO-\d{6}-\d{5}$/);
    expect(await page.getByTestId("detail-attachments").textContent()).toContain("合同-contract.txt");
    expect(await page.getByTestId("detail-lines").locator("tbody tr").count()).toBe(2);
    expect(await page.getByTestId("detail-settlement").textContent()).toBe("54.90");

    // The attachment downloads with its content.
    const href = await page.getByTestId("detail-attachments").locator("a").first().getAttribute("href");
    const file = await page.request.get(href!);
    expect(file.status()).toBe(200);
    expect(await file.text()).toBe("框架协议 2026");

    // Approve: stock is reserved and the order awaits shipment.
    await act(page, "approve");
    await expect.poll(() => statusOf(page), SLOW).toBe("stock_up");
    await page.getByTestId("event-approve").waitFor();

    // Copy: a new pending order with the same content opens.
    await act(page, "copy");
    await page.waitForURL((u) => ORDER_URL.test(u.pathname) && u.toString() !== firstUrl);
    await page.getByTestId("order-detail").waitFor();
    await expect.poll(() => page.getByTestId("order-no").textContent(), SLOW).not.toBe(orderNo);
    expect(await statusOf(page)).toBe("pending");
    expect(await page.getByTestId("detail-lines").locator("tbody tr").count()).toBe(2);
    expect(await page.getByTestId("detail-attachments").textContent()).toContain("合同-contract.txt");
    expect(await page.getByTestId("order-timeline").textContent()).toContain(orderNo);

    // Close the copy.
    await act(page, "close", "客户只需要一单");
    await expect.poll(() => statusOf(page), SLOW).toBe("closed");
    await page.getByTestId("event-close").waitFor();
    expect(await page.getByTestId("action-copy").count()).toBe(1);
    expect(await page.getByTestId("action-approve").count()).toBe(0);

    // Both show up in the list, found by pasting their numbers.
    const copyNo = (await page.getByTestId("order-no").textContent())!;
    await page.goto(`/orders?nos=${encodeURIComponent(`${orderNo}\n${copyNo}`)}`);
    await expect.poll(() => page.getByTestId("orders-table").locator("tbody tr").count(), SLOW).toBe(2);
    const rows = await page.getByTestId("orders-table").locator("tbody").textContent();
    expect(rows).toContain(orderNo);
    expect(rows).toContain(copyNo);
  }, 480_000);
});
