import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { createDb } from "@/db";
import { channelAccounts, memberships, products, users, warehouses } from "@/db/schema";
import { inTransaction, type ServiceContext } from "@/server/context";
import { createAccount } from "@/server/services/channels/accounts";
import { saveSkuMapping } from "@/server/services/channels/mappings";
import { completeAuthorization, startAuthorization } from "@/server/services/channels/oauth";
import { moveStock } from "@/server/services/inventory/ledger";
import { createOrganization } from "@/server/services/orgs/orgs";
import type { ShopifySimulator } from "../simulators/shopify/server";

/**
 * The channel drills' merchant, in a drill's own database: an owner, one warehouse, SKUS products with
 * ample opening stock, and Shopify shops on the simulator authorized through the real OAuth flow, every
 * platform SKU P-<sku> mapped 1:1.
 */
export const SKUS = 10;
export const platformSku = (i: number) => `P-D${String(i % SKUS).padStart(3, "0")}`;
/** One to three lines of the mapped SKUs, paid (so a conversion approves and reserves). */
export const drillOrder = (i: number) => ({
  lineItems: Array.from({ length: 1 + (i % 3) }, (_, j) => ({ sku: platformSku(i + j * 3), quantity: 1 + ((i + j) % 2), price: "12.50" })),
  customerName: `Buyer ${i}`,
  financialStatus: "PAID" as const,
});

export async function channelMerchant(url: string, stockEach: number) {
  const h = createDb(url, 4);
  const db = h.db;
  const org = await createOrganization(db, { name: "Drill merchant", slug: `drill-${randomUUID().slice(0, 8)}` });
  const [user] = await db.insert(users).values({ email: `${randomUUID()}@drill.local`, name: "drill", passwordHash: "x" }).returning({ id: users.id });
  await db.insert(memberships).values({ orgId: org.id, userId: user!.id, role: "owner" });
  const ctx: ServiceContext = { db, orgId: org.id, role: "owner", actor: { type: "user", userId: user!.id } };
  const [wh] = await db.insert(warehouses).values({ orgId: org.id, code: "DW", name: "Drill", isDefault: true }).returning();
  const prods = await db
    .insert(products)
    .values(Array.from({ length: SKUS }, (_, i) => ({ orgId: org.id, sku: `D${String(i).padStart(3, "0")}`, name: `Drill product ${i}`, price: "9.9" })))
    .returning();
  for (const p of prods) {
    await inTransaction(ctx, (tx) => moveStock(tx, { productId: p.id, warehouseId: wh!.id, kind: "opening", onHandDelta: String(stockEach), refType: "opening" }));
  }

  /** A Shopify shop on the simulator, authorized, its SKUs mapped; manual pulls unless told otherwise. */
  const shop = async (sim: ShopifySimulator, o: { importEnabled: boolean; pageSize?: number; pullMode?: "manual" | "auto" }) => {
    const shopName = `drill-${randomUUID().slice(0, 8)}`;
    sim.store(shopName);
    const acct = await createAccount(ctx, {
      platform: "shopify",
      alias: `Drill ${shopName}`,
      shopDomain: shopName,
      useSimulator: true,
      pullMode: o.pullMode ?? "manual",
      importEnabled: o.importEnabled,
      settings: o.pageSize ? { pageSize: o.pageSize } : {},
    });
    const { url: authorizeUrl } = await startAuthorization(ctx, { id: acct!.id, appUrl: "http://127.0.0.1:9" });
    const page = await fetch(authorizeUrl).then((r) => r.text());
    const href = /id="sim-install" href="([^"]+)"/.exec(page)![1]!.replace(/&amp;/g, "&");
    const back = new URL((await fetch(href, { redirect: "manual" })).headers.get("location")!);
    const outcome = await completeAuthorization(db, { platform: "shopify", query: back.searchParams, userId: user!.id, appUrl: "http://127.0.0.1:9" });
    if (!outcome.ok) throw new Error(`authorization failed: ${outcome.error}`);
    for (const p of prods) await saveSkuMapping(ctx, { accountId: acct!.id, platformSku: `P-${p.sku}`, items: [{ sku: p.sku, quantity: "1" }] });
    const [row] = await db.select().from(channelAccounts).where(and(eq(channelAccounts.orgId, org.id), eq(channelAccounts.id, acct!.id)));
    return { shop: shopName, account: row! };
  };
  return { orgId: org.id, ctx, db, warehouseId: wh!.id, shop, close: () => h.sql.end() };
}
