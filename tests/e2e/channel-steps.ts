import type { Locator, Page } from "playwright-core";
import { expect } from "vitest";

/**
 * The steps every marketplace's browser test walks on the accounts and platform-order pages (the
 * Shopify and Lazada loops share them): authorize a demo account on the platform's page, fetch, map
 * the SKU that blocked an order, and read the order it converted into.
 */

/** Dev servers compile each route on first use: generous waits. */
export const poll = <T>(fn: () => Promise<T> | T, opts: { timeout?: number; interval?: number } = {}) => expect.poll(fn, { timeout: 90_000, interval: 500, ...opts });

/** 授权验证: out to the platform (`approve` confirms on its page) and back with "验证成功"; the account's row. */
export async function authorizeDemoAccount(page: Page, alias: string, platformOrigin: string, approve: () => Promise<void>): Promise<Locator> {
  await page.goto("/channels");
  const row = page.getByTestId(`account-row-${alias}`);
  // A plain link to /api/oauth/<platform>/start, which redirects to the platform (slow first compile in dev).
  await page.goto((await row.getByTestId("account-authorize").getAttribute("href"))!);
  expect(page.url().startsWith(platformOrigin)).toBe(true);
  await approve();
  await page.waitForURL((u) => u.pathname === "/channels" && u.searchParams.get("auth") !== null);
  await poll(() => page.getByTestId("auth-result").textContent()).toContain("验证成功");
  await poll(() => row.getByTestId("account-status").textContent()).toBe("启用中");
  return row;
}

/** 抓取订单 with the dialog's default range, until the pull finishes; the status line it ended with. */
export async function fetchOrders(page: Page, row: Locator): Promise<string> {
  await row.getByTestId("account-fetch").click();
  await page.getByTestId("fetch-start").click();
  const status = page.getByTestId("fetch-status");
  await poll(() => status.getAttribute("data-status"), { timeout: 60_000 }).toMatch(/ok|partial/);
  const text = (await status.textContent()) ?? "";
  await page.keyboard.press("Escape");
  return text;
}

/** A blocked order's row says why and links to the mapping form, prefilled: map it to `sku` × 1. */
export async function mapBlockedSku(page: Page, pendingUrl: string, platformSku: string, sku: string) {
  await page.goto(pendingUrl);
  const blocked = page.getByTestId("platform-orders-table").locator("tr", { hasText: platformSku });
  await poll(() => blocked.getByTestId("po-blocker").first().textContent()).toContain(platformSku);
  await blocked.getByTestId("po-map-sku").click();
  await page.waitForURL((u) => u.pathname === "/channels/sku-mappings");
  const form = page.getByTestId("mapping-form");
  await poll(() => form.locator("#platformSku").inputValue()).toBe(platformSku);
  await form.getByTestId("mapping-sku-0").fill(sku);
  await form.getByTestId("mapping-qty-0").fill("1");
  await form.getByTestId("form-submit").click();
  await poll(() => page.getByTestId("sku-mappings-table").textContent()).toContain(platformSku);
}

/** The system order a platform order converted into (its row on the 已处理 tab). */
export async function convertedOrderNo(page: Page, processedUrl: string, platformSku: string): Promise<string> {
  await page.goto(processedUrl);
  const converted = page.getByTestId("platform-orders-table").locator("tr", { hasText: platformSku });
  await poll(() => converted.getByTestId("po-order-no").textContent()).toMatch(/^SO-/);
  return (await converted.getByTestId("po-order-no").textContent())!;
}

/** A simulator's control API (`/_sim/…`): GET, or POST with a JSON body; a failed call names its path and status. */
export const simClient =
  (base: string) =>
  async <T>(path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}${path}`, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`simulator ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
