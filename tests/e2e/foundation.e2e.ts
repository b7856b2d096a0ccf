import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATE_TIME } from "@/lib/i18n/date-time";
import { browserTrpc, DEMO_USER, launch, newPage } from "./browser";

let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

/** `next dev` on a busy machine compiles on first use and may reload a fresh page once: let it settle. */
const SLOW = { timeout: 240_000 };

async function settle(page: Page, ready?: string) {
  await page.waitForLoadState("networkidle", SLOW).catch(() => {});
  if (ready) await page.locator(ready).first().waitFor(SLOW);
}

async function signIn(page: Page, email: string, password: string) {
  await page.goto("/sign-in");
  await settle(page, "#email");
  await page.locator("#email").fill(email);
  await page.locator("#password").fill(password);
  await page.locator("form button[type=submit]").click();
  await page.waitForURL((u) => !u.pathname.startsWith("/sign-in"), SLOW);
}

async function signUp(page: Page, url: string, v: { orgName?: string; name: string; email: string; password: string }) {
  await page.goto(url);
  await settle(page, "form[data-ready]");
  if (v.orgName) await page.locator("#orgName").fill(v.orgName);
  await page.locator("#name").fill(v.name);
  if (await page.locator("#email").isEditable()) await page.locator("#email").fill(v.email);
  await page.locator("#password").fill(v.password);
  await page.locator("form button[type=submit]").click();
  await page.waitForURL((u) => !u.pathname.startsWith("/sign-up"), SLOW);
}

const stamp = Date.now().toString(36);
const owner = { orgName: `E2E 商户 ${stamp}`, name: "E2E Owner", email: `e2e-owner-${stamp}@test.local`, password: "e2e-password-1" };
const sku = `E2E-${stamp}`.toUpperCase();

describe("foundation in the browser", () => {
  it("signs up a merchant, signs out and in, creates a product, finds it, and switches to English", async () => {
    const page = await newPage(browser, "zh-CN");
    await signUp(page, "/sign-up", owner);
    await page.getByTestId("home-grid").waitFor(SLOW);
    expect(await page.locator("main h1").innerText()).toContain(owner.name);
    expect(await page.getByTestId("org-switcher").innerText()).toContain(owner.orgName);

    await page.getByTestId("user-menu").click();
    await page.getByTestId("sign-out").click();
    await page.waitForURL(/\/sign-in/, SLOW);
    await page.goto("/master-data/products");
    await page.waitForURL(/\/sign-in/, SLOW);

    await signIn(page, owner.email, owner.password);
    await page.goto("/master-data/products");
    await settle(page, "[data-testid=products-table] tbody tr");

    await page.getByTestId("product-new").click();
    const form = page.getByTestId("product-form");
    await form.locator("#sku").fill(sku);
    await form.locator("#name").fill("端到端测试商品");
    await form.locator("#price").fill("12.345678");
    await page.getByTestId("form-submit").click();
    // Too many decimals for the merchant (4): refused in place, not rounded.
    await expect.poll(() => form.locator("[data-field-error=price]").innerText(), SLOW).toContain("4");
    await form.locator("#price").fill("12.5");
    await page.getByTestId("form-submit").click();
    await form.waitFor({ state: "detached", ...SLOW });

    // A second product, so that the search has something to leave out.
    await page.getByTestId("product-new").click();
    await form.locator("#sku").fill(`OTHER-${stamp}`);
    await form.locator("#name").fill("另一个商品");
    await page.getByTestId("form-submit").click();
    await form.waitFor({ state: "detached", ...SLOW });
    await expect.poll(() => page.getByTestId("table-total").innerText(), SLOW).toBe("共 2 条");

    await page.getByTestId("list-search").fill(sku.toLowerCase());
    await expect.poll(() => new URL(page.url()).searchParams.get("q"), SLOW).toBe(sku.toLowerCase());
    await expect.poll(() => page.getByTestId("table-total").innerText(), SLOW).toBe("共 1 条");
    const row = page.locator("[data-testid=products-table] tbody tr", { hasText: sku });
    expect(await row.innerText()).toContain("12.5000");
    expect(await page.locator("[data-testid=products-table] tbody tr", { hasText: "OTHER-" }).count()).toBe(0);

    await page.getByTestId("locale-switcher").click();
    await expect.poll(() => page.locator("main h1").innerText(), SLOW).toBe("Products");
    expect(await page.getByTestId("product-new").innerText()).toBe("New product");
    await expect.poll(() => page.getByTestId("table-total").innerText(), SLOW).toBe("1 in total");
    await page.context().close();
  }, 900_000);

  it("invites a new user by link (joins with the role) and an existing user who then switches merchant", async () => {
    const page = await newPage(browser, "en");
    await signIn(page, owner.email, owner.password);
    await page.goto("/account/members");
    await settle(page, "[data-testid=members-table]");

    const invitee = `e2e-viewer-${stamp}@test.local`;
    await page.locator("#invite-email").fill(invitee);
    await page.locator("#invite-role").selectOption("viewer");
    await page.getByTestId("invite-submit").click();
    const link = await page.getByTestId("invite-link").inputValue(SLOW);
    expect(link).toMatch(/\/sign-up\?invite=/);
    await expect.poll(() => page.getByTestId("pending-invites").innerText(), SLOW).toContain(invitee);

    // The existing demo user is added at once.
    await page.locator("#invite-email").fill(DEMO_USER.email);
    await page.locator("#invite-role").selectOption("operator");
    await page.getByTestId("invite-submit").click();
    await page.getByTestId("invite-added").waitFor(SLOW);
    await expect.poll(() => page.getByTestId("members-table").innerText(), SLOW).toContain(DEMO_USER.email);

    const guest = await newPage(browser, "en");
    await signUp(guest, new URL(link).pathname + new URL(link).search, { name: "E2E Viewer", email: invitee, password: "e2e-password-2" });
    expect(await guest.getByTestId("org-switcher").innerText()).toContain(owner.orgName);
    await guest.goto("/master-data/products");
    await settle(guest, `[data-testid=products-table] tbody tr:has-text("${sku}")`);
    expect(await guest.getByTestId("product-new").count()).toBe(0);
    await guest.context().close();

    const demo = await newPage(browser, "en");
    await signIn(demo, DEMO_USER.email, DEMO_USER.password);
    await settle(demo, "[data-testid=org-switcher]");
    await demo.getByTestId("org-switcher").click();
    await demo.getByRole("menuitem", { name: new RegExp(owner.orgName) }).click();
    await expect.poll(() => demo.getByTestId("org-switcher").innerText(), SLOW).toContain(owner.orgName);
    await demo.goto("/master-data/products");
    await settle(demo, `[data-testid=products-table] tbody tr:has-text("${sku}")`);
    expect(await demo.getByTestId("product-new").count()).toBe(1);
    await demo.context().close();
    await page.context().close();
  }, 900_000);

  it("writes dates in the merchant's time zone, whatever the browser's, and follows a change of zone", async () => {
    const page = await newPage(browser, "zh-CN", { timezoneId: "America/Los_Angeles" });
    await signIn(page, owner.email, owner.password);
    await page.goto("/account/members");
    await settle(page, "[data-testid=members-table]");
    const { members } = await browserTrpc<{ members: { email: string; joinedAt: string }[] }>(page, "account.members", undefined);
    const joinedAt = members.find((m) => m.email === owner.email)!.joinedAt;
    // What the owner's "joined" cell must say in a zone, formatted by the browser's own Intl.
    const inZone = (timeZone: string) =>
      page.evaluate(({ at, options }) => new Intl.DateTimeFormat("zh-CN", options).format(new Date(at)), { at: joinedAt, options: { ...DATE_TIME, timeZone } });
    const ownerRow = () => page.locator("[data-testid=members-table] tr", { hasText: owner.email }).innerText();
    expect(await ownerRow()).toContain(await inZone("Asia/Shanghai"));
    expect(await ownerRow()).not.toContain(await inZone("America/Los_Angeles"));

    await browserTrpc(page, "settings.updateProfile", { name: owner.orgName, timezone: "Pacific/Kiritimati" }, true);
    await page.reload();
    await settle(page, "[data-testid=members-table]");
    await expect.poll(ownerRow, SLOW).toContain(await inZone("Pacific/Kiritimati"));
    expect(await ownerRow()).not.toContain(await inZone("Asia/Shanghai"));
    await browserTrpc(page, "settings.updateProfile", { name: owner.orgName, timezone: "Asia/Shanghai" }, true);
    await page.context().close();
  }, 600_000);
});
