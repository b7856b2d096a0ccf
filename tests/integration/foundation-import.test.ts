import ExcelJS from "exceljs";
import Papa from "papaparse";
import { afterAll, describe, expect, it, vi } from "vitest";
import { GET as exportRoute } from "@/app/api/export/[entity]/route";
import { exportCustomers, exportProducts } from "@/server/services/catalog/import";
import { closeTestDb, createTestOrg, keyCaller, newApiKey, sessionCaller, svcCtx } from "../helpers/db";

// next-auth cannot load outside Next; the export route is called here with API keys only.
vi.mock("@/server/auth", () => ({ auth: async () => null }));

afterAll(closeTestDb);

const b64 = (buf: Buffer) => buf.toString("base64");
const productFields = (p: { sku: string; name: string; spec: string; barcode: string | null; unit: string; price: string; weight: string | null; enabled: boolean }) => ({
  sku: p.sku,
  name: p.name,
  spec: p.spec,
  barcode: p.barcode,
  unit: p.unit,
  price: p.price,
  weight: p.weight,
  enabled: p.enabled,
});

async function seededSource() {
  const org = await createTestOrg("Export source");
  const c = sessionCaller(org.ownerId, org.orgId);
  await c.products.create({ sku: "RT-1", name: "纯棉T恤, \"经典\"", spec: "白 / L", barcode: "6900000000011", unit: "件", price: "29.9", weight: "0.25" });
  await c.products.create({ sku: "RT-2", name: "Jeans", spec: "", unit: "条", price: "89", weight: null });
  const off = await c.products.create({ sku: "RT-3", name: "Old item", price: "1.2345" });
  await c.products.setEnabled({ id: off.id, enabled: false });
  await c.customers.create({
    clientNum: "RT-C1",
    companyName: "杭州示例服饰",
    contactName: "王经理",
    contactPhone: "13800000000",
    email: "buyer@example.com",
    addresses: [
      { recipient: "王小明", phone: "138", province: "浙江省", city: "杭州市", district: "西湖区", street: "文三路 90 号", postcode: "310012" },
      { recipient: "李仓管", phone: "139", province: "江苏省", city: "苏州市", street: "金山路 18 号", isDefault: true },
    ],
  });
  await c.customers.create({ clientNum: "RT-C2", companyName: "No address Ltd" });
  return { org, c };
}

describe.each(["csv", "xlsx"] as const)("%s import/export round trip", (format) => {
  it("products and customers exported from one merchant import unchanged into another", async () => {
    const src = await seededSource();
    const dst = await createTestOrg("Import target");
    const d = keyCaller(await newApiKey(dst, "admin"));

    const productFile = await exportProducts(svcCtx(src.org), format, {});
    const preview = await d.products.import({ format, content: b64(productFile) });
    expect(preview).toMatchObject({ totalRows: 3, validRows: 3, errorRows: 0, committed: false, errors: [] });
    expect(preview.preview.map((r) => r.sku)).toEqual(["RT-1", "RT-2", "RT-3"]);
    expect(await d.products.import({ format, content: b64(productFile), commit: true })).toMatchObject({ created: 3, updated: 0 });
    const before = (await src.c.products.list({ sort: "sku", dir: "asc" })).items.map(productFields);
    const after = (await d.products.list({ sort: "sku", dir: "asc" })).items.map(productFields);
    expect(after).toEqual(before);

    const customerFile = await exportCustomers(svcCtx(src.org), format, {});
    expect(await d.customers.import({ format, content: b64(customerFile), commit: true })).toMatchObject({ created: 2, updated: 0, errorRows: 0 });
    const [srcC1] = (await src.c.customers.list({ search: "RT-C1" })).items;
    const [dstC1] = (await d.customers.list({ search: "RT-C1" })).items;
    const full = async (caller: typeof d, id: string) => {
      const x = await caller.customers.byId({ id });
      return {
        clientNum: x.clientNum,
        companyName: x.companyName,
        contactName: x.contactName,
        contactPhone: x.contactPhone,
        email: x.email,
        addresses: x.addresses.map(({ recipient, phone, country, province, city, district, street, postcode, isDefault }) => ({
          recipient,
          phone,
          country,
          province,
          city,
          district,
          street,
          postcode,
          isDefault,
        })),
      };
    };
    expect(await full(d, dstC1!.id)).toEqual(await full(src.c as typeof d, srcC1!.id));
    expect((await d.customers.list({ search: "RT-C2" })).items[0]).toMatchObject({ companyName: "No address Ltd", addressCount: 0 });

    // Importing the same files again updates in place: nothing duplicated.
    expect(await d.products.import({ format, content: b64(productFile), commit: true })).toMatchObject({ created: 0, updated: 3 });
    expect(await d.customers.import({ format, content: b64(customerFile), commit: true })).toMatchObject({ created: 0, updated: 2 });
    expect((await d.customers.byId({ id: dstC1!.id })).addresses).toHaveLength(2);
    expect((await d.products.list({})).total.count).toBe(3);
  });
});

describe("export", () => {
  it("exports the list as filtered, with bilingual headers (CSV with BOM, XLSX sheet)", async () => {
    const src = await seededSource();
    const csv = (await exportProducts(svcCtx(src.org), "csv", { enabled: true })).toString("utf8");
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const parsed = Papa.parse<string[]>(csv.slice(1), { skipEmptyLines: true }).data;
    expect(parsed[0]!.slice(0, 3)).toEqual(["SKU", "名称 Name", "规格 Spec"]);
    expect(parsed.slice(1).map((r) => r[0])).toEqual(["RT-1", "RT-2"]);
    expect(parsed[1]![1]).toBe('纯棉T恤, "经典"');

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await exportProducts(svcCtx(src.org), "xlsx", { search: "jeans" })) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.rowCount).toBe(2);
    expect(ws.getRow(2).getCell(1).value).toBe("RT-2");
  });

  it("GET /api/export/<entity> serves files to an API key, a template on request, and 401 without one", async () => {
    const src = await seededSource();
    const key = await newApiKey(src.org, "viewer");
    const call = (path: string, auth?: string) =>
      exportRoute(new Request(`http://test.local${path}`, { headers: auth ? { authorization: `Bearer ${auth}` } : {} }), {
        params: Promise.resolve({ entity: path.split("/")[3]!.split("?")[0]! }),
      });
    const res = await call("/api/export/customers?format=csv&search=RT-C1", key);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/attachment; filename="customers-\d{4}-\d{2}-\d{2}\.csv"/);
    const rows = Papa.parse<string[]>((await res.text()).replace(/^\uFEFF/, ""), { skipEmptyLines: true }).data;
    expect(rows).toHaveLength(3); // header + one row per address
    const template = await call("/api/export/products?format=csv&template=1", key);
    const templateRows = Papa.parse<string[]>((await template.text()).replace(/^\uFEFF/, ""), { skipEmptyLines: true }).data;
    expect(templateRows).toHaveLength(1);
    expect((await call("/api/export/products?format=csv", "mk_not-a-real-key")).status).toBe(401);
    expect((await call("/api/export/nothing?format=csv", key)).status).toBe(404);
  });
});

describe("import errors", () => {
  it("reports row, column and reason for every bad row, in the caller's words", async () => {
    const org = await createTestOrg("Import errors");
    const c = sessionCaller(org.ownerId, org.orgId);
    const file = [
      "客户编号,公司名称,邮箱,收货人,收货电话,详细地址",
      "E-1,Good Co,,a,1,street 1",
      "E-1,Good Co,,b,2,street 2",
      "E-2,,bad-email,c,3,street 3",
      "E-3,Half Co,,d,,street 4",
      "E-3,Half Co,,e,5,street 5",
    ].join("\n");
    const r = await c.customers.import({ format: "csv", content: b64(Buffer.from(file)), commit: true });
    expect(r).toMatchObject({ totalRows: 5, created: 1, errorRows: 2 });
    expect(r.errors.map((e) => [e.row, e.column])).toEqual([
      [4, "公司名称 Company"],
      [4, "邮箱 Email"],
      [5, "收货电话 Phone"],
    ]);
    expect(r.errors[0]!.message).toBe("Company: required");
    // E-3 had one bad row: the whole customer is skipped, not half-imported.
    expect((await c.customers.list({ search: "E-3" })).items).toEqual([]);
    const [e1] = (await c.customers.list({ search: "E-1" })).items;
    expect(e1).toMatchObject({ addressCount: 2 });
    expect((await c.customers.byId({ id: e1!.id })).addresses.filter((a) => a.isDefault).map((a) => a.recipient)).toEqual(["a"]);
  });

  it("a file that is not a spreadsheet, or is empty, is refused on the file field", async () => {
    const org = await createTestOrg("Bad files");
    const c = sessionCaller(org.ownerId, org.orgId);
    for (const [format, content] of [
      ["xlsx", b64(Buffer.from("PK not really a zip"))],
      ["csv", ""],
    ] as const) {
      const err = await c.products.import({ format, content }).catch((e: { cause?: { fieldErrors?: object } }) => e);
      expect(Object.keys((err as { cause?: { fieldErrors?: object } }).cause?.fieldErrors ?? {})).toEqual(["content"]);
    }
  });
});
