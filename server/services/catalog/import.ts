import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { type z } from "zod";
import { customerAddresses, customers, products } from "@/db/schema";
import { dec } from "@/lib/decimal";
import { can } from "@/lib/permissions";
import { AddressInput, CustomerInput } from "@/lib/validators/catalog";
import { type ImportInput } from "@/lib/validators/tabular";
import { inTransaction, type ServiceContext } from "@/server/context";
import { DomainError } from "@/server/errors";
import { loadRows, optional, rowErrorsFrom, sheetRow, type ImportResult, type RowError } from "../_lib/import-rows";
import { getPrecision } from "../_lib/precision";
import { parseBool, writeTable, type ColumnSpec, type TableFormat } from "../_lib/tabular";
import { listCustomers } from "./customers";
import { listProducts, normalizeProduct } from "./products";

export type { ImportResult, RowError } from "../_lib/import-rows";

export const PRODUCT_COLUMNS: ColumnSpec[] = [
  { key: "sku", header: "SKU", aliases: ["系统SKU", "规格商品编码", "商品编码", "options_goods_num"] },
  { key: "name", header: "名称 Name", aliases: ["名称", "商品名称", "name"] },
  { key: "spec", header: "规格 Spec", aliases: ["规格", "spec", "specification"] },
  { key: "barcode", header: "条码 Barcode", aliases: ["条码", "barcode"] },
  { key: "unit", header: "单位 Unit", aliases: ["单位", "unit"] },
  { key: "price", header: "价格 Price", aliases: ["价格", "单价", "price"] },
  { key: "weight", header: "重量 Weight", aliases: ["重量", "weight"] },
  { key: "imageUrl", header: "图片 Image", aliases: ["图片", "image", "imageurl"] },
  { key: "lowStockThreshold", header: "低库存阈值 Low stock", aliases: ["低库存阈值", "lowstock"] },
  { key: "enabled", header: "启用 Enabled", aliases: ["启用", "状态", "enabled"] },
];

export const CUSTOMER_COLUMNS: ColumnSpec[] = [
  { key: "clientNum", header: "客户编号 Client No.", aliases: ["客户编号", "client_num", "clientnum"] },
  { key: "companyName", header: "公司名称 Company", aliases: ["公司名称", "买家公司名", "company", "companyname"] },
  { key: "contactName", header: "联系人 Contact", aliases: ["联系人", "contact", "contactname"] },
  { key: "contactPhone", header: "联系电话 Contact phone", aliases: ["联系电话", "contactphone"] },
  { key: "email", header: "邮箱 Email", aliases: ["邮箱", "email"] },
  { key: "remark", header: "备注 Remark", aliases: ["备注", "remark"] },
  { key: "enabled", header: "启用 Enabled", aliases: ["启用", "enabled"] },
  { key: "recipient", header: "收货人 Recipient", aliases: ["收货人", "收件人", "recipient"] },
  { key: "phone", header: "收货电话 Phone", aliases: ["收货电话", "手机", "phone"] },
  { key: "country", header: "国家 Country", aliases: ["国家", "country"] },
  { key: "province", header: "省 Province", aliases: ["省", "省份", "province"] },
  { key: "city", header: "市 City", aliases: ["市", "城市", "city"] },
  { key: "district", header: "区 District", aliases: ["区", "区县", "district"] },
  { key: "street", header: "详细地址 Street", aliases: ["详细地址", "地址", "street", "address"] },
  { key: "postcode", header: "邮编 Postcode", aliases: ["邮编", "postcode", "zip"] },
];

/**
 * Products by SKU: new SKUs are created, known ones updated. Rows with errors are reported (row, column,
 * reason) and skipped; the valid rest is written in one transaction.
 */
export async function importProducts(ctx: ServiceContext, input: z.input<typeof ImportInput>): Promise<ImportResult> {
  const { parsed, rows } = await loadRows(input, PRODUCT_COLUMNS);
  const precision = await getPrecision(ctx);
  const errors: RowError[] = [];
  const valid: { row: number; values: ReturnType<typeof normalizeProduct> }[] = [];
  const seen = new Map<string, number>();
  rows.forEach((r, i) => {
    const rowNo = sheetRow(i);
    try {
      const enabled = parseBool(r.enabled, true);
      if (enabled === null) throw new DomainError("VALIDATION", { key: "boolFormat" }, { fieldErrors: { enabled: { key: "boolFormat" } } });
      const values = normalizeProduct(
        {
          sku: r.sku ?? "",
          name: r.name ?? "",
          spec: r.spec ?? "",
          barcode: optional(r.barcode),
          unit: optional(r.unit),
          price: optional(r.price) ?? "0",
          weight: optional(r.weight),
          imageUrl: optional(r.imageUrl),
          lowStockThreshold: optional(r.lowStockThreshold),
          enabled,
        },
        precision,
      );
      const first = seen.get(values.sku.toLowerCase());
      if (first) {
        throw new DomainError("VALIDATION", { key: "duplicateInFile" }, { fieldErrors: { sku: { key: "duplicateInFile", params: { row: first } } } });
      }
      seen.set(values.sku.toLowerCase(), rowNo);
      valid.push({ row: rowNo, values });
    } catch (e) {
      errors.push(...rowErrorsFrom(e, rowNo, PRODUCT_COLUMNS));
    }
  });

  // Price changes need prices.write, row by row, against what is stored now.
  if (!can(ctx.role, "prices.write") && valid.length) {
    const existing = await ctx.db
      .select({ sku: products.sku, price: products.price })
      .from(products)
      .where(and(eq(products.orgId, ctx.orgId), inArray(products.sku, valid.map((v) => v.values.sku))));
    const priceOf = new Map(existing.map((e) => [e.sku, e.price]));
    for (let i = valid.length - 1; i >= 0; i--) {
      const v = valid[i]!;
      const current = priceOf.get(v.values.sku) ?? "0";
      if (!dec(current).eq(v.values.price)) {
        errors.push({ row: v.row, column: "价格 Price", ref: { key: "forbiddenPriceChange" } });
        valid.splice(i, 1);
      }
    }
  }

  let created = 0;
  let updated = 0;
  if (parsed.commit && valid.length) {
    await inTransaction(ctx, async (ctx) => {
      for (let i = 0; i < valid.length; i += 500) {
        const chunk = valid.slice(i, i + 500).map((v) => ({ ...v.values, orgId: ctx.orgId }));
        const res = await ctx.db
          .insert(products)
          .values(chunk)
          .onConflictDoUpdate({
            target: [products.orgId, products.sku],
            set: {
              name: sql`excluded.name`,
              spec: sql`excluded.spec`,
              barcode: sql`excluded.barcode`,
              unit: sql`excluded.unit`,
              price: sql`excluded.price`,
              weight: sql`excluded.weight`,
              imageUrl: sql`excluded.image_url`,
              lowStockThreshold: sql`excluded.low_stock_threshold`,
              enabled: sql`excluded.enabled`,
              updatedAt: sql`now()`,
            },
          })
          .returning({ inserted: sql<boolean>`(xmax = 0)` });
        for (const r of res) {
          if (r.inserted) created++;
          else updated++;
        }
      }
    });
  }
  const errorRows = new Set(errors.map((e) => e.row)).size;
  return {
    totalRows: rows.length,
    validRows: valid.length,
    errorRows,
    created,
    updated,
    committed: parsed.commit && valid.length > 0,
    errors: errors.sort((a, b) => a.row - b.row),
    preview: rows.slice(0, 20),
  };
}

/**
 * Customers by client number; several rows with one client number add several addresses (the first is
 * the default when the customer has none). Known customers are updated, their new addresses appended.
 */
export async function importCustomers(ctx: ServiceContext, input: z.input<typeof ImportInput>): Promise<ImportResult> {
  const { parsed, rows } = await loadRows(input, CUSTOMER_COLUMNS);
  const errors: RowError[] = [];
  type Group = { row: number; customer: z.output<typeof CustomerInput>; addresses: z.output<typeof AddressInput>[] };
  const groups = new Map<string, Group>();
  rows.forEach((r, i) => {
    const rowNo = sheetRow(i);
    try {
      const enabled = parseBool(r.enabled, true);
      if (enabled === null) throw new DomainError("VALIDATION", { key: "boolFormat" }, { fieldErrors: { enabled: { key: "boolFormat" } } });
      const customer = CustomerInput.parse({
        clientNum: r.clientNum ?? "",
        companyName: r.companyName ?? "",
        contactName: r.contactName ?? "",
        contactPhone: r.contactPhone ?? "",
        email: r.email ?? "",
        remark: r.remark ?? "",
        enabled,
      });
      const hasAddress = [r.recipient, r.phone, r.street].some((v) => v);
      const address = hasAddress
        ? AddressInput.parse({
            recipient: r.recipient ?? "",
            phone: r.phone ?? "",
            country: optional(r.country),
            province: r.province ?? "",
            city: r.city ?? "",
            district: r.district ?? "",
            street: r.street ?? "",
            postcode: r.postcode ?? "",
          })
        : null;
      const key = customer.clientNum.toLowerCase();
      const g = groups.get(key);
      if (g) {
        if (address) g.addresses.push(address);
      } else {
        groups.set(key, { row: rowNo, customer, addresses: address ? [address] : [] });
      }
    } catch (e) {
      errors.push(...rowErrorsFrom(e, rowNo, CUSTOMER_COLUMNS));
    }
  });
  // A client number whose rows partly failed is skipped whole, so no customer is half-imported.
  const failedRows = new Set(errors.map((e) => e.row));
  rows.forEach((r, i) => {
    if (!failedRows.has(sheetRow(i))) return;
    const key = (r.clientNum ?? "").toLowerCase();
    if (key) groups.delete(key);
  });
  const valid = [...groups.values()];
  let created = 0;
  let updated = 0;
  if (parsed.commit && valid.length) {
    await inTransaction(ctx, async (ctx) => {
      for (const g of valid) {
        const { addresses: _ignored, ...values } = g.customer;
        const [row] = await ctx.db
          .insert(customers)
          .values({ ...values, orgId: ctx.orgId })
          .onConflictDoUpdate({
            target: [customers.orgId, customers.clientNum],
            set: {
              companyName: values.companyName,
              contactName: values.contactName,
              contactPhone: values.contactPhone,
              email: values.email,
              remark: values.remark,
              enabled: values.enabled,
              updatedAt: new Date(),
            },
          })
          .returning({ id: customers.id, inserted: sql<boolean>`(xmax = 0)` });
        if (row!.inserted) created++;
        else updated++;
        if (!g.addresses.length) continue;
        const existing = await ctx.db
          .select()
          .from(customerAddresses)
          .where(and(eq(customerAddresses.customerId, row!.id), eq(customerAddresses.orgId, ctx.orgId)))
          .orderBy(asc(customerAddresses.id));
        const same = (a: { recipient: string; phone: string; street: string }, b: typeof a) =>
          a.recipient === b.recipient && a.phone === b.phone && a.street === b.street;
        let hasDefault = existing.some((e) => e.isDefault);
        for (const a of g.addresses) {
          if (existing.some((e) => same(e, a))) continue;
          await ctx.db.insert(customerAddresses).values({ ...a, isDefault: !hasDefault, orgId: ctx.orgId, customerId: row!.id });
          hasDefault = true;
        }
      }
    });
  }
  return {
    totalRows: rows.length,
    validRows: rows.length - failedRows.size,
    errorRows: failedRows.size,
    created,
    updated,
    committed: parsed.commit && valid.length > 0,
    errors: errors.sort((a, b) => a.row - b.row),
    preview: rows.slice(0, 20),
  };
}

export async function exportProducts(ctx: ServiceContext, format: TableFormat, filter: { search?: string; enabled?: boolean }) {
  const out: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<typeof listProducts>> = await listProducts(ctx, { ...filter, sort: "sku", dir: "asc", limit: 200, cursor });
    out.push(...page.items.map((p) => ({ ...p, enabled: p.enabled ? "1" : "0" })));
    cursor = page.nextCursor;
  } while (cursor);
  return writeTable(format, PRODUCT_COLUMNS, out);
}

export async function exportCustomers(ctx: ServiceContext, format: TableFormat, filter: { search?: string; enabled?: boolean }) {
  const out: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<typeof listCustomers>> = await listCustomers(ctx, { ...filter, sort: "clientNum", dir: "asc", limit: 200, cursor });
    const ids = page.items.map((c) => c.id);
    const addresses = ids.length
      ? await ctx.db
          .select()
          .from(customerAddresses)
          .where(and(eq(customerAddresses.orgId, ctx.orgId), inArray(customerAddresses.customerId, ids)))
          .orderBy(sql`${customerAddresses.isDefault} desc`, asc(customerAddresses.id))
      : [];
    for (const c of page.items) {
      const base = { ...c, enabled: c.enabled ? "1" : "0" };
      const mine = addresses.filter((a) => a.customerId === c.id);
      if (mine.length === 0) out.push(base);
      for (const a of mine) out.push({ ...base, ...a, id: c.id });
    }
    cursor = page.nextCursor;
  } while (cursor);
  return writeTable(format, CUSTOMER_COLUMNS, out);
}
