import { and, asc, eq, ilike, inArray, or, sql } from "drizzle-orm";
import type { z } from "zod";
import { channelAccounts, channelListings, products, skuMappings } from "@/db/schema";
import { dec } from "@/lib/decimal";
import { DeleteSkuMappingsInput, SaveSkuMappingInput, SkuMappingListInput } from "@/lib/validators/channels";
import { IMPORT_MAX_BYTES, ImportInput } from "@/lib/validators/tabular";
import { inTransaction, type ServiceContext, type TxContext } from "@/server/context";
import { DomainError, type FieldErrors, type MessageRef } from "@/server/errors";
import { afterCursor, countCapped, decodeCursor, orderByKeyset, toPage } from "../_lib/keyset";
import { FieldErrorCollector, getPrecision, parseDecimalField } from "../_lib/precision";
import type { Precision } from "@/lib/precision";
import { decodeUpload, readTable, writeTable, type ColumnSpec, type TableFormat } from "../_lib/tabular";
import { getAccountRow } from "./accounts";
import { retryBlocked } from "./pull";
import { queueStockPush } from "./sync-back";
import { likeContains } from "../_lib/like";

/** 平台SKU关系 list: one row per (platform SKU → system SKU), searchable by either SKU, per account. */
export async function listSkuMappings(ctx: ServiceContext, raw: z.input<typeof SkuMappingListInput>) {
  const input = SkuMappingListInput.parse(raw);
  const filters = and(
    eq(skuMappings.orgId, ctx.orgId),
    input.accountId ? eq(skuMappings.accountId, input.accountId) : undefined,
    input.platform ? eq(skuMappings.platform, input.platform) : undefined,
    input.search ? or(ilike(skuMappings.platformSku, likeContains(input.search)), ilike(products.sku, likeContains(input.search))) : undefined,
  );
  const rows = await ctx.db
    .select({
      id: skuMappings.id,
      accountId: skuMappings.accountId,
      platform: skuMappings.platform,
      platformSku: skuMappings.platformSku,
      productId: skuMappings.productId,
      quantity: skuMappings.quantity,
      createdAt: skuMappings.createdAt,
      sku: products.sku,
      productName: products.name,
      productEnabled: products.enabled,
      accountAlias: channelAccounts.alias,
      sortKey: sql<string>`${skuMappings.createdAt}::text`,
    })
    .from(skuMappings)
    .innerJoin(products, and(eq(products.id, skuMappings.productId), eq(products.orgId, skuMappings.orgId)))
    .innerJoin(channelAccounts, and(eq(channelAccounts.id, skuMappings.accountId), eq(channelAccounts.orgId, skuMappings.orgId)))
    .where(and(filters, afterCursor(skuMappings.createdAt, skuMappings.id, "desc", decodeCursor(input.cursor))))
    .orderBy(...orderByKeyset(skuMappings.createdAt, skuMappings.id, "desc"))
    .limit(input.limit + 1);
  const page = toPage(rows, input.limit, (r) => r.sortKey);
  const listings = page.items.length
    ? await ctx.db
        .select()
        .from(channelListings)
        .where(and(eq(channelListings.orgId, ctx.orgId), inArray(channelListings.platformSku, [...new Set(page.items.map((r) => r.platformSku))])))
    : [];
  const items = page.items.map((r) => {
    const l = listings.find((x) => x.accountId === r.accountId && x.platformSku === r.platformSku);
    const bundleSize = page.items.filter((x) => x.accountId === r.accountId && x.platformSku === r.platformSku).length;
    return { ...r, bundle: bundleSize > 1, lastPush: l ? { at: l.lastPushAt, status: l.lastPushStatus, qty: l.lastPushedQty, error: l.lastPushError } : null };
  });
  const total = await countCapped(ctx, sql`${skuMappings} inner join ${products} on ${products.id} = ${skuMappings.productId}`, filters);
  return { items, nextCursor: page.nextCursor, total };
}

/** The whole mapping of one platform SKU (all components of a bundle), for the edit dialog. */
export async function getSkuMapping(ctx: ServiceContext, input: { accountId: string; platformSku: string }) {
  await getAccountRow(ctx, input.accountId);
  return ctx.db
    .select({ id: skuMappings.id, sku: products.sku, quantity: skuMappings.quantity })
    .from(skuMappings)
    .innerJoin(products, eq(products.id, skuMappings.productId))
    .where(and(eq(skuMappings.orgId, ctx.orgId), eq(skuMappings.accountId, input.accountId), eq(skuMappings.platformSku, input.platformSku)))
    .orderBy(asc(products.sku));
}

type Resolved = { accountId: string; platform: string; platformSku: string; items: { productId: string; quantity: string }[] };

/** Check one mapping's items against the catalogue and the merchant's precision; all errors at once. */
async function resolveItems(ctx: ServiceContext, items: { sku: string; quantity: unknown }[], precision: Precision, prefix = "items") {
  const errors = new FieldErrorCollector();
  const skus = [...new Set(items.map((i) => i.sku.trim()))];
  const found = skus.length ? await ctx.db.select({ id: products.id, sku: products.sku }).from(products).where(and(eq(products.orgId, ctx.orgId), inArray(products.sku, skus))) : [];
  const seen = new Set<string>();
  const out: { productId: string; quantity: string }[] = [];
  items.forEach((it, i) => {
    const p = found.find((f) => f.sku === it.sku.trim());
    if (!p) errors.add(`${prefix}.${i}.sku`, "skuUnknown", { sku: it.sku });
    else if (seen.has(p.id)) errors.add(`${prefix}.${i}.sku`, "duplicateItem", { sku: it.sku });
    const qty = errors.run(() => parseDecimalField(it.quantity, `${prefix}.${i}.quantity`, precision, "quantity", { positive: true }));
    if (p && qty) {
      seen.add(p.id);
      out.push({ productId: p.id, quantity: qty });
    }
  });
  errors.throwIfAny();
  return out;
}

async function writeMapping(ctx: TxContext, r: Resolved, previousPlatformSku?: string | null) {
  const { db, orgId } = ctx;
  const skus = [...new Set([r.platformSku, previousPlatformSku].filter((s): s is string => !!s))];
  await db.delete(skuMappings).where(and(eq(skuMappings.orgId, orgId), eq(skuMappings.accountId, r.accountId), inArray(skuMappings.platformSku, skus)));
  await db.insert(skuMappings).values(r.items.map((i) => ({ orgId, accountId: r.accountId, platform: r.platform, platformSku: r.platformSku, productId: i.productId, quantity: i.quantity })));
}

/** After mappings change: the platform orders they blocked are converted now, and stock is pushed. */
async function afterMappingChange(ctx: ServiceContext, accountId: string, platformSkus: string[]) {
  const account = await getAccountRow(ctx, accountId);
  await queueStockPush(ctx, accountId, platformSkus);
  return retryBlocked(ctx, account, platformSkus);
}

/** Create or replace the mapping of one platform SKU (several items = a bundle). */
export async function saveSkuMapping(ctx: ServiceContext, raw: z.input<typeof SaveSkuMappingInput>) {
  const input = SaveSkuMappingInput.parse(raw);
  const account = await getAccountRow(ctx, input.accountId);
  const items = await resolveItems(ctx, input.items, await getPrecision(ctx));
  await inTransaction(ctx, (ctx) =>
    writeMapping(ctx, { accountId: account.id, platform: account.platform, platformSku: input.platformSku, items }, input.previousPlatformSku),
  );
  const retried = await afterMappingChange(ctx, account.id, [input.platformSku]);
  return { platformSku: input.platformSku, items: items.length, converted: retried.converted, stillBlocked: retried.blocked };
}

export async function deleteSkuMappings(ctx: ServiceContext, raw: z.input<typeof DeleteSkuMappingsInput>) {
  const input = DeleteSkuMappingsInput.parse(raw);
  const deleted = await ctx.db
    .delete(skuMappings)
    .where(and(eq(skuMappings.orgId, ctx.orgId), inArray(skuMappings.id, input.ids)))
    .returning({ id: skuMappings.id });
  if (deleted.length === 0) throw new DomainError("NOT_FOUND", { key: "notFound", params: { entity: "skuMapping" } });
  return { deleted: deleted.length };
}

// ------------------------------------------------------------------------------------ import / export

export const SKU_MAPPING_COLUMNS: ColumnSpec[] = [
  { key: "account", header: "平台账号 Account", aliases: ["平台账号", "店铺账号", "店铺简称", "account", "shop"] },
  { key: "platformSku", header: "平台SKU Platform SKU", aliases: ["平台SKU", "platformsku", "platform sku"] },
  { key: "sku", header: "OMS SKU", aliases: ["系统SKU", "omssku", "sku"] },
  { key: "quantity", header: "数量 Quantity", aliases: ["数量", "quantity", "qty"] },
  { key: "platform", header: "平台 Platform", aliases: ["平台", "platform"] },
];

export type MappingImportResult = {
  totalRows: number;
  validRows: number;
  errorRows: number;
  created: number;
  updated: number;
  committed: boolean;
  errors: { row: number; column: string; ref: MessageRef }[];
  preview: Record<string, string>[];
};

/**
 * Import mappings from CSV/XLSX: rows with the same account + platform SKU form one mapping (a bundle
 * when several); each file mapping replaces the stored one. Errors are reported per row and column;
 * a platform SKU with any bad row is skipped whole (never half a bundle); the rest is written in one
 * transaction, then the platform orders they blocked are retried.
 */
export async function importSkuMappings(ctx: ServiceContext, raw: z.input<typeof ImportInput>): Promise<MappingImportResult> {
  const parsed = ImportInput.parse(raw);
  const { rows } = await readTable(parsed.format, decodeUpload(parsed.content, IMPORT_MAX_BYTES), SKU_MAPPING_COLUMNS);
  const precision = await getPrecision(ctx);
  const accounts = await ctx.db.select().from(channelAccounts).where(eq(channelAccounts.orgId, ctx.orgId));
  const header = (k: string) => SKU_MAPPING_COLUMNS.find((c) => c.key === k)!.header;
  const errors: MappingImportResult["errors"] = [];
  const groups = new Map<string, { rows: number[]; accountId: string; platform: string; platformSku: string; items: { sku: string; quantity: string }[] }>();
  rows.forEach((r, i) => {
    const rowNo = i + 2;
    const account = accounts.find((a) => a.alias === (r.account ?? "").trim());
    if (!r.account) errors.push({ row: rowNo, column: header("account"), ref: { key: "required", params: { field: "account" } } });
    else if (!account) errors.push({ row: rowNo, column: header("account"), ref: { key: "accountUnknown", params: { alias: r.account } } });
    if (!r.platformSku) errors.push({ row: rowNo, column: header("platformSku"), ref: { key: "required", params: { field: "platformSku" } } });
    if (!r.sku) errors.push({ row: rowNo, column: header("sku"), ref: { key: "required", params: { field: "sku" } } });
    if (!account || !r.platformSku || !r.sku) return;
    const key = `${account.id}|${r.platformSku}`;
    const g = groups.get(key) ?? { rows: [], accountId: account.id, platform: account.platform, platformSku: r.platformSku, items: [] };
    g.rows.push(rowNo);
    g.items.push({ sku: r.sku, quantity: r.quantity || "1" });
    groups.set(key, g);
  });
  const valid: Resolved[] = [];
  for (const g of groups.values()) {
    try {
      const items = await resolveItems(ctx, g.items, precision, "row");
      valid.push({ accountId: g.accountId, platform: g.platform, platformSku: g.platformSku, items });
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      for (const [path, ref] of Object.entries(e.fieldErrors ?? ({} as FieldErrors))) {
        const [, idx, field] = path.split(".");
        errors.push({ row: g.rows[Number(idx)] ?? g.rows[0]!, column: header(field === "quantity" ? "quantity" : "sku"), ref: { key: ref.key, params: { field: field ?? "sku", ...(ref.params ?? {}) } } });
      }
    }
  }
  // A platform SKU with an error in any of its rows is skipped whole.
  const badKeys = new Set<string>();
  for (const g of groups.values()) if (g.rows.some((r) => errors.some((e) => e.row === r))) badKeys.add(`${g.accountId}|${g.platformSku}`);
  const toWrite = valid.filter((v) => !badKeys.has(`${v.accountId}|${v.platformSku}`));
  let created = 0;
  let updated = 0;
  if (parsed.commit && toWrite.length) {
    const existing = await ctx.db
      .selectDistinct({ accountId: skuMappings.accountId, platformSku: skuMappings.platformSku })
      .from(skuMappings)
      .where(and(eq(skuMappings.orgId, ctx.orgId), inArray(skuMappings.platformSku, toWrite.map((v) => v.platformSku))));
    await inTransaction(ctx, async (ctx) => {
      for (const v of toWrite) {
        if (existing.some((e) => e.accountId === v.accountId && e.platformSku === v.platformSku)) updated++;
        else created++;
        await writeMapping(ctx, v);
      }
    });
    const byAccount = new Map<string, string[]>();
    for (const v of toWrite) byAccount.set(v.accountId, [...(byAccount.get(v.accountId) ?? []), v.platformSku]);
    for (const [accountId, skus] of byAccount) await afterMappingChange(ctx, accountId, skus);
  }
  const errorRows = new Set(errors.map((e) => e.row)).size;
  return {
    totalRows: rows.length,
    validRows: rows.length - errorRows,
    errorRows,
    created,
    updated,
    committed: parsed.commit && toWrite.length > 0,
    errors: errors.sort((a, b) => a.row - b.row),
    preview: rows.slice(0, 20),
  };
}

export async function exportSkuMappings(ctx: ServiceContext, format: TableFormat, filter: { search?: string; accountId?: string }) {
  const out: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<typeof listSkuMappings>> = await listSkuMappings(ctx, { ...filter, limit: 200, cursor });
    out.push(...page.items.map((m) => ({ account: m.accountAlias, platformSku: m.platformSku, sku: m.sku, quantity: dec(m.quantity).toFixed(), platform: m.platform })));
    cursor = page.nextCursor;
  } while (cursor);
  return writeTable(format, SKU_MAPPING_COLUMNS, out);
}

