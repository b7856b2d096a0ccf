import { chromium, type Browser, type Page } from "playwright-core";
import { inject } from "vitest";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
  "--disable-quic",
];

export const baseURL = () => inject("baseURL");

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

/** A fresh browser context; `timezoneId` sets the browser's own zone (the machine's by default). */
export async function newPage(browser: Browser, locale = "zh-CN", opts: { timezoneId?: string } = {}): Promise<Page> {
  const context = await browser.newContext({ baseURL: baseURL(), locale, acceptDownloads: true, ...opts });
  context.setDefaultTimeout(60_000);
  context.setDefaultNavigationTimeout(120_000);
  return context.newPage();
}

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/sign-in");
  await page.locator("#email").fill(email);
  await page.locator("#password").fill(password);
  await page.locator("form button[type=submit]").click();
  await page.waitForURL((u) => !u.pathname.startsWith("/sign-in"));
}

export const DEMO_USER = { email: "demo@manifold.local", password: process.env.DEMO_PASSWORD ?? "manifold-demo" };

/** tRPC through the signed-in browser session (same cookies and CSRF rules as the pages). */
export async function browserTrpc<T>(page: Page, path: string, input: unknown, mutation = false): Promise<T> {
  return page.evaluate(
    async ({ path, input, mutation }) => {
      const res = mutation
        ? await fetch(`/api/trpc/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(input) })
        : // A query without input sends no `input` (JSON.stringify(undefined) is not JSON).
          await fetch(input === undefined ? `/api/trpc/${path}` : `/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`);
      const json = await res.json();
      if (!res.ok) throw new Error(`${path}: ${JSON.stringify(json).slice(0, 300)}`);
      return json.result.data;
    },
    { path, input, mutation },
  ) as Promise<T>;
}
