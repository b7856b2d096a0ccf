import { readFileSync } from "node:fs";
import path from "node:path";
import { and, asc, eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { channelAccounts, platformOrderEvents, platformOrders, products, skuMappings, type PlatformOrderBlocker, type PullSummary } from "@/db/schema";
import { blockerText, pullSummaryText } from "@/lib/channels/describe";
import { translatorFor } from "@/lib/i18n/translate";
import type { NormalizedOrder } from "@/server/channels/types";
import { inTransaction, type Actor, systemContext } from "@/server/context";
import { createWarehouse } from "@/server/services/catalog/warehouses";
import { convertPlatformOrders } from "@/server/services/channels/convert";
import { ingestOrders } from "@/server/services/channels/ingest";
import { moveStock } from "@/server/services/inventory/ledger";
import { closeTestDb, createTestOrg, svcCtx, testDb } from "../helpers/db";

/**
 * Why a platform order cannot be converted, and how the last pull went, are stored as message keys +
 * params and rendered in the reader's language — never as English text a zh-CN merchant has to read.
 * Rows written before that are converted by migration 0010 where the text is one the code wrote; the
 * rest is shown as it was.
 */

afterAll(closeTestDb);

const zh = translatorFor("zh-CN");
const en = translatorFor("en");
const SYSTEM: Actor = { type: "system", name: "channels.test" };
const T0 = new Date("2026-03-01T08:00:00Z");

const order = (id: string, platformSku: string, qty: string, street = `${id} Main St`): NormalizedOrder => ({
  platformOrderId: id,
  platformOrderNo: `#${id}`,
  platformStatus: "PAID",
  status: "unshipped",
  createdAt: T0,
  updatedAt: T0,
  currency: "USD",
  totalAmount: "0",
  buyerName: `Buyer ${id}`,
  buyerEmail: null,
  shipping: { name: `Recipient ${id}`, phone: "+1 555 0100", country: "US", province: "CA", city: "Los Angeles", district: "", street, postcode: "90001" },
  shippingMethod: "Standard",
  remark: "",
  lines: [{ platformLineId: `${id}-1`, platformSku, title: platformSku, quantity: qty, unitPrice: "1.00" }],
  raw: { id },
});

async function blockedShop() {
  const org = await createTestOrg();
  const ctx = svcCtx(org);
  const w1 = await createWarehouse(ctx, { code: "W1", name: "Main", isDefault: true });
  const [p] = await testDb().insert(products).values({ orgId: org.orgId, sku: "SOCK", name: "Socks", price: "1" }).returning();
  await inTransaction(ctx, (tx) => moveStock(tx, { productId: p!.id, warehouseId: w1.id, kind: "opening", onHandDelta: "1", refType: "opening" }));
  const [account] = await testDb()
    .insert(channelAccounts)
    .values({ orgId: org.orgId, platform: "shopify", alias: "Message shop", baseUrl: "http://127.0.0.1:9", status: "enabled", pullMode: "manual" })
    .returning();
  await testDb().insert(skuMappings).values({ orgId: org.orgId, accountId: account!.id, platform: "shopify", platformSku: "P-SOCK", productId: p!.id, quantity: "1" });
  await ingestOrders(systemContext(testDb(), account!.orgId, "test"), account!, [order("m1", "P-NEW", "1"), order("m2", "P-SOCK", "5"), order("m3", "P-SOCK", "1", "   ")]);
  const rows = await testDb().select().from(platformOrders).where(eq(platformOrders.orgId, org.orgId)).orderBy(asc(platformOrders.platformOrderId));
  return { org, rows, sys: { db: testDb(), orgId: org.orgId, role: "admin" as const, actor: SYSTEM } };
}

const blockersOf = async (orgId: string) =>
  Object.fromEntries(
    (await testDb().select().from(platformOrders).where(eq(platformOrders.orgId, orgId))).map((r) => [r.platformOrderId, r.blockers] as const),
  ) as Record<string, PlatformOrderBlocker[]>;

describe("blocker reasons as message keys", () => {
  it.each(["single", "batch"] as const)("%s conversion stores keys; a zh-CN merchant reads Chinese, an English one English", async (mode) => {
    const shop = await blockedShop();
    await convertPlatformOrders(shop.sys, shop.rows.map((r) => r.id), { mode });
    const blockers = await blockersOf(shop.org.orgId);
    expect(blockers.m2).toEqual([{ kind: "no_stock", sku: "SOCK", reasons: [{ key: "stockShort", params: { requested: "5", available: "1" } }] }]);
    expect(JSON.stringify(blockers)).not.toMatch(/"detail"/);

    expect(blockerText(zh, blockers.m1![0]!)).toBe("平台SKU P-NEW 未设置匹配关系");
    expect(blockerText(en, blockers.m1![0]!)).toBe("Platform SKU P-NEW has no mapping");
    expect(blockerText(zh, blockers.m2![0]!)).toBe("SOCK 库存不足 （需要 5，可用 1）");
    expect(blockerText(en, blockers.m2![0]!)).toBe("Not enough stock of SOCK (5 needed, 1 available)");
    // The order input's check of a blank street: the field's label and the rule in the reader's language.
    expect(blockers.m3).toEqual([{ kind: "error", reasons: [{ key: "required", params: { field: "street" } }] }]);
    expect(blockerText(zh, blockers.m3![0]!)).toBe(`转换出错：${zh("errors.required", { fieldLabel: "详细地址" })}`);
    expect(blockerText(en, blockers.m3![0]!)).toBe(`Conversion error: ${en("errors.required", { fieldLabel: "Street address" })}`);

    // The timeline's blocked event carries the same reasons; a retry with the same causes adds none.
    await convertPlatformOrders(shop.sys, shop.rows.map((r) => r.id), { mode });
    const events = await testDb()
      .select()
      .from(platformOrderEvents)
      .where(and(eq(platformOrderEvents.orgId, shop.org.orgId), eq(platformOrderEvents.type, "blocked")));
    expect(events).toHaveLength(3);
    const m2 = events.find((e) => e.platformOrderId === shop.rows.find((r) => r.platformOrderId === "m2")!.id)!;
    expect(m2).toMatchObject({ reason: null, blockers: blockers.m2 });
  });

  it("renders a pull summary in both languages", () => {
    const done: PullSummary = { key: "done", params: { fetched: 4, created: 4, updated: 0, converted: 3, blocked: 1, failed: 0 } };
    expect(pullSummaryText(zh, done)).toBe("获取 4 个，新增 4 个，更新 0 个，转换 3 个，无法转换 1 个");
    expect(pullSummaryText(en, { ...done, params: { ...done.params, failed: 2 } })).toBe("4 fetched, 4 new, 0 updated, 3 converted, 1 could not be converted, 2 failed");
    const failed: PullSummary = { key: "failed", params: { reason: "rate_limited", error: "429 Too Many Requests" } };
    expect(pullSummaryText(zh, failed)).toBe("平台限流：429 Too Many Requests");
    expect(pullSummaryText(en, { key: "failed", params: { reason: "error", error: "boom" } })).toBe("Pull failed: boom");
  });
});

/** The statements of migration 0010 that convert existing rows, run against legacy rows in temp tables. */
const conversions = readFileSync(path.join(import.meta.dirname, "../../db/migrations/0010_message_keys.sql"), "utf8")
  .split("--> statement-breakpoint")
  .filter((s) => /^\s*(--.*\n)*\s*UPDATE/i.test(s));

describe("migration 0010 converts the English text written before", () => {
  it("turns known summaries and blocker texts into keys and leaves unknown text to be shown as is", async () => {
    expect(conversions).toHaveLength(2);
    await testDb()
      .transaction(async (tx) => {
        // Temp tables shadow the real ones for this connection only (pg_temp is searched first).
        await tx.execute(sql`create temp table channel_accounts (id int, last_pull_message text, last_pull_summary jsonb) on commit drop`);
        await tx.execute(sql`create temp table platform_orders (id int, blockers jsonb) on commit drop`);
        await tx.execute(sql`insert into channel_accounts (id, last_pull_message) values
          (1, 'fetched 4, new 4, updated 0, converted 3, blocked 1'), (2, 'fetched 9, new 1, updated 8, converted 0, blocked 0, failed 2'),
          (3, 'rate_limited: slow down'), (4, 'socket hang up'), (5, null)`);
        await tx.execute(sql`insert into platform_orders (id, blockers) values
          (1, ${JSON.stringify([{ kind: "invalid", detail: "no lines" }, { kind: "unmapped_sku", platformSku: "P-X" }])}::jsonb),
          (2, ${JSON.stringify([{ kind: "no_stock", sku: "A", detail: "5 > 1" }])}::jsonb),
          (3, ${JSON.stringify([{ kind: "no_stock", detail: "Insufficient stock: A@W1 5>1" }])}::jsonb),
          (4, ${JSON.stringify([{ kind: "invalid", detail: "street: Street address: required" }])}::jsonb),
          (5, '[]'::jsonb)`);
        for (const statement of conversions) await tx.execute(sql.raw(statement));
        const summaries = Object.fromEntries(
          ((await tx.execute(sql`select id, last_pull_summary as s from channel_accounts order by id`)) as unknown as { id: number; s: PullSummary | null }[]).map((r) => [r.id, r.s]),
        );
        expect(summaries).toEqual({
          1: { key: "done", params: { fetched: 4, created: 4, updated: 0, converted: 3, blocked: 1, failed: 0 } },
          2: { key: "done", params: { fetched: 9, created: 1, updated: 8, converted: 0, blocked: 0, failed: 2 } },
          3: { key: "failed", params: { reason: "rate_limited", error: "slow down" } },
          4: { key: "failed", params: { reason: "error", error: "socket hang up" } },
          5: null,
        });
        expect(pullSummaryText(zh, summaries[2]!)).toBe("获取 9 个，新增 1 个，更新 8 个，转换 0 个，无法转换 0 个，失败 2 个");
        const blockers = Object.fromEntries(
          ((await tx.execute(sql`select id, blockers as b from platform_orders order by id`)) as unknown as { id: number; b: PlatformOrderBlocker[] }[]).map((r) => [r.id, r.b]),
        );
        expect(blockers[1]).toEqual([{ kind: "invalid", reasons: [{ key: "platformOrderNoLines" }] }, { kind: "unmapped_sku", platformSku: "P-X" }]);
        expect(blockers[2]).toEqual([{ kind: "no_stock", sku: "A", reasons: [{ key: "stockShort", params: { requested: "5", available: "1" } }] }]);
        expect(blockerText(zh, blockers[3]![0]!)).toBe("库存不足 库存不足：A@W1 5>1");
        // Not a text the code can map back: kept, and shown as it was (the reader's fallback).
        expect(blockers[4]).toEqual([{ kind: "invalid", detail: "street: Street address: required" }]);
        expect(blockerText(zh, blockers[4]![0]!)).toBe("订单信息不完整：street: Street address: required");
        expect(blockers[5]).toEqual([]);
        throw new Rollback();
      })
      .catch((e: unknown) => {
        if (!(e instanceof Rollback)) throw e;
      });
  });
});

class Rollback extends Error {}
