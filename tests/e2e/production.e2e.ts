import { randomBytes } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_USER, launch, newPage } from "./browser";

let browser: Browser;
let page: Page;

/** Sign in through Auth.js's credentials endpoint (a slow `next dev` must not make this flaky). */
async function signIn(p: Page) {
  for (let attempt = 1; ; attempt++) {
    const { csrfToken } = (await (await p.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
    await p.request.post("/api/auth/callback/credentials", {
      form: { csrfToken, email: DEMO_USER.email, password: DEMO_USER.password, callbackUrl: "/" },
      maxRedirects: 0,
    });
    await p.goto("/production/routes");
    if (!new URL(p.url()).pathname.startsWith("/sign-in")) return;
    if (attempt >= 3) throw new Error("could not sign in");
  }
}

/** A tRPC mutation over HTTP with the browser's session, as the app's own pages call it. */
async function mutate<T>(p: Page, path: string, input: unknown): Promise<T> {
  const res = await p.request.post(`/api/trpc/${path}`, { data: input });
  const body = (await res.json()) as { result?: { data: T }; error?: unknown };
  if (!res.ok() || !body.result) throw new Error(`${path} failed: ${JSON.stringify(body.error ?? body)}`);
  return body.result.data;
}

beforeAll(async () => {
  browser = await launch();
  page = await newPage(browser);
  await signIn(page);
});

afterAll(async () => {
  await browser?.close();
});

const SLOW = { timeout: 90_000, interval: 250 };
const started = Date.now();
/** Progress in the test log: `next dev` compiles each page on first visit, which can take a while. */
const step = (what: string) => console.log(`[production e2e +${Math.round((Date.now() - started) / 1000)}s] ${what}`);
const suffix = randomBytes(3).toString("hex").toUpperCase();

describe("production in the browser", () => {
  it("creates a route, maps it to the standard stages, imports a plan linked to an order, reports work on two operations, and shows stage progress on the order page", async () => {
    // An approved order (待出库) for 10 tote bags, through the same tRPC the order form uses.
    const order = await mutate<{ id: string; orderNo: string; status: string }>(page, "orders.create", {
      status: "stock_up",
      address: { recipientName: "王小明", recipientPhone: "13800000000", province: "浙江省", city: "杭州市", street: "文三路 90 号" },
      lines: [{ sku: "00051001", quantity: "10", unitPrice: "39" }],
    });
    expect(order.status).toBe("stock_up");

    step("order created");
    // 1. A new route from the factory's operations, assigned to the tote bag.
    const routeCode = `E2E-${suffix}`;
    await page.goto("/production/routes/new");
    await page.getByTestId("route-form").waitFor();
    await page.locator("#route-code").fill(routeCode);
    await page.locator("#route-name").fill("帆布包工艺");
    for (const code of ["MAT", "CUT", "SEW", "IRON", "QC", "PACK", "SHIP"]) {
      const select = page.getByTestId("route-add-operation");
      await expect.poll(() => select.locator("option").filter({ hasText: `${code} ·` }).count(), SLOW).toBe(1);
      const value = await select.locator("option").filter({ hasText: `${code} ·` }).getAttribute("value");
      await select.selectOption(value!);
      await page.locator(`[data-testid=route-steps] [data-operation="${code}"]`).waitFor();
    }
    await page.getByTestId("route-product-search").fill("00051001");
    await page.locator('[data-sku="00051001"]').click();
    await page.getByTestId("route-save").click();
    await page.waitForURL(/\/production\/routes\/[0-9a-f-]{36}$/, SLOW);
    const routeId = page.url().split("/").pop()!;

    step("route created");
    // 2. Map it: each operation to its 天天工厂 stage, then confirm.
    await page.goto(`/production/mapping/${routeId}`);
    await page.getByTestId("mapping-editor").waitFor();
    expect(await page.getByTestId("mapping-live-state").getAttribute("data-unmapped")).toBe("7");
    const stageOf: Record<string, string> = { MAT: "物料采购", CUT: "裁剪", SEW: "缝制", IRON: "后整", QC: "质检", PACK: "包装", SHIP: "发货" };
    // Confirming too early is refused with the unmapped stages named.
    await page.getByTestId("map-MAT").selectOption({ label: stageOf.MAT! });
    await page.getByTestId("mapping-confirm").click();
    await expect.poll(() => page.getByTestId("mapping-error").textContent(), SLOW).toContain("裁剪");
    for (const [op, stage] of Object.entries(stageOf)) await page.getByTestId(`map-${op}`).selectOption({ label: stage });
    expect(await page.getByTestId("mapping-live-state").getAttribute("data-unmapped")).toBe("0");
    await page.getByTestId("mapping-confirm").click();
    await expect.poll(() => page.getByTestId("mapping-state").getAttribute("data-state"), SLOW).toBe("complete");

    step("mapping confirmed");
    // 3. Import a plan linked to the order by its number: preview, then import.
    const planNo = `PP-E2E-${suffix}`;
    await page.goto("/production/plans");
    await page.getByTestId("plan-import-open").click();
    const csv = `计划单号,订单号,SKU,数量,工艺路径,计划开始,计划完成,工作中心\n${planNo},${order.orderNo},00051001,10,${routeCode},2030-03-01,2030-03-10,一车间\n`;
    await page.getByTestId("plan-import-file").setInputFiles({ name: "plans.csv", mimeType: "text/csv", buffer: Buffer.from("\uFEFF" + csv) });
    await page.getByTestId("plan-import-summary").waitFor(SLOW);
    await page.getByTestId("plan-import-confirm").click();
    await page.getByTestId("plan-import-done").waitFor(SLOW);
    await page.keyboard.press("Escape");

    step("plan imported");
    // The order is now 已排产 and cannot be closed.
    const orderNow = await (await page.request.get(`/api/trpc/orders.byId?input=${encodeURIComponent(JSON.stringify({ id: order.id }))}`)).json();
    expect(orderNow.result.data.status).toBe("scheduled");

    // 4. Open the plan, release it, and report work on two operations from the quick entry page.
    await page.getByTestId("plan-search").fill(planNo);
    // The search lands in the URL (debounced) before the filtered list is used.
    await page.waitForURL((u) => u.searchParams.get("q") === planNo, SLOW);
    const row = page.getByRole("link", { name: planNo });
    await row.waitFor(SLOW);
    await row.click();
    await page.waitForURL(/\/production\/plans\/[0-9a-f-]{36}$/, SLOW);
    await page.getByTestId("plan-release").click();
    await expect.poll(() => page.getByTestId("plan-status").getAttribute("data-status"), SLOW).toBe("released");
    await page.getByTestId("plan-report-work").click();
    await page.getByTestId("quick-report").waitFor(SLOW);

    async function report(op: string, good: string, defective = "0") {
      await page.locator(`[data-testid=quick-operation][data-operation="${op}"]`).click();
      await page.getByTestId("quick-goodQty").fill(good);
      await page.getByTestId("quick-defectiveQty").fill(defective);
      await page.getByTestId("quick-operator").fill("张三");
      await page.getByTestId("quick-submit").click();
      await expect.poll(() => page.getByTestId("quick-success").textContent(), SLOW).toContain(op);
    }
    step("plan released");
    await report("CUT", "7", "1");
    // Over-reporting is refused in place until overridden with a reason.
    await page.locator('[data-testid=quick-operation][data-operation="SEW"]').click();
    await page.getByTestId("quick-goodQty").fill("11");
    await page.getByTestId("quick-submit").click();
    await expect.poll(() => page.locator("[data-field-error=goodQty]").textContent(), SLOW).toContain("10");
    await report("SEW", "3");

    step("work reported");
    // 5. The order page shows the plan with progress per standard stage.
    await page.goto(`/orders/${order.id}`);
    const card = page.getByTestId("order-production");
    await card.waitFor(SLOW);
    await card.locator(`[data-plan-no="${planNo}"]`).waitFor(SLOW);
    const percent = (stage: string) => card.locator(`[data-testid=stage-values] [data-stage="${stage}"]`).getAttribute("data-percent");
    expect(await percent("CUTTING")).toBe("80.00");
    expect(await percent("SEWING")).toBe("30.00");
    expect(await percent("MATERIAL")).toBe("0.00");
    expect(await card.getByTestId("plan-status").getAttribute("data-status")).toBe("in_progress");
    step("stage progress shown on the order page");
  }, 900_000);
});
