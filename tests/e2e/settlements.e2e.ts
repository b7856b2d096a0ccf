import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_USER, launch, newPage, signIn } from "./browser";

/**
 * 结算对账 in a browser, on the demo merchant: a settlement file refused for a bad row (nothing written),
 * then imported; the payouts list shows expected against received and the difference, the summary its
 * currency totals, a payout's lines open in a dialog, and the line naming no order is under 结算无订单.
 */
let browser: Browser;
let page: Page;
const SLOW = { timeout: 90_000 };

beforeAll(async () => {
  browser = await launch();
  page = await newPage(browser, "zh-CN");
  await signIn(page, DEMO_USER.email, DEMO_USER.password);
});
afterAll(async () => {
  await browser?.close();
});

const HEADER = "平台 Platform,结算单号 Payout ID,结算日期 Payout date,币种 Currency,到账金额 Received,平台订单号 Platform order ID,类型 Type,金额 Amount,明细编号 Line ID,说明 Description";

async function importFile(csv: string) {
  await page.getByTestId("settlement-import-open").click();
  await page.getByTestId("settlement-import-file").setInputFiles({ name: "settlement.csv", mimeType: "text/csv", buffer: Buffer.from("\uFEFF" + csv) });
  await page.getByTestId("settlement-import-summary").waitFor(SLOW);
}

describe("settlements", () => {
  it("refuses a bad file, imports a good one, and reconciles it on the page", { timeout: 600_000 }, async () => {
    const payout = `E2E-${Date.now()}`;
    await page.goto(`/finance/settlements?q=${payout}`);
    await page.getByTestId("settlement-summary").waitFor(SLOW);

    await importFile([HEADER, `tiktok,${payout},2026-11-01,USD,40.00,TT-1,sale,50.00,,`, `tiktok,${payout},,,,TT-1,bogus,-5,,`].join("\n"));
    await page.getByTestId("settlement-import-errors").waitFor(SLOW);
    await expect.poll(() => page.getByTestId("settlement-import-confirm").isDisabled()).toBe(true);
    await page.keyboard.press("Escape");

    await importFile([HEADER, `tiktok,${payout},2026-11-01,USD,40.00,TT-E2E-1,sale,50.00,,`, `tiktok,${payout},,,,TT-E2E-1,佣金,-6.50,,`, `tiktok,${payout},,,,TT-E2E-1,transaction_fee,-2.50,,`].join("\n"));
    await page.getByTestId("settlement-import-confirm").click();
    await page.getByTestId("settlement-import-done").waitFor(SLOW);
    await page.keyboard.press("Escape");

    // 50 − 6.50 − 2.50 = 41.00 expected against 40.00 received: −1.00.
    const table = page.getByTestId("settlements-table");
    await expect.poll(async () => table.innerText(), SLOW).toContain(payout);
    const text = await table.innerText();
    expect(text).toContain("41.00");
    expect(text).toContain("40.00");
    expect(text).toContain("-1.00");
    await expect.poll(async () => page.getByTestId("settlement-summary-USD").innerText(), SLOW).toContain("应结 41.00");

    await page.getByText(payout).first().click();
    const dialog = page.getByTestId("settlement-dialog");
    await dialog.waitFor(SLOW);
    await expect.poll(async () => dialog.innerText(), SLOW).toContain("佣金");
    expect(await dialog.innerText()).toContain("-6.50");
    await page.keyboard.press("Escape");

    await page.goto(`/finance/settlements?view=unmatched&q=TT-E2E-1`);
    await expect.poll(async () => page.getByTestId("settlement-unmatched-table").innerText(), SLOW).toContain("TT-E2E-1");
  });
});
