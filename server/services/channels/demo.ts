import { and, eq, inArray } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { channelAccounts, products, skuMappings } from "@/db/schema";
import { DEMO_SHOPIFY_SHOP, simulatorUrl } from "@/server/channels/endpoints";

export const DEMO_SHOPIFY_ALIAS = "Shopify 演示店";

/** Platform SKU → system SKU × qty of the demo shop; SOCKS-3PK stays unmapped so a blocked order shows. */
const DEMO_MAPPINGS: { platformSku: string; items: [string, string][] }[] = [
  { platformSku: "TSHIRT-WHITE-L", items: [["00021002", "1"]] },
  { platformSku: "JEANS-32", items: [["00031003", "1"]] },
  { platformSku: "TEE-DUO", items: [["00021002", "1"], ["00021003", "1"]] },
];

/**
 * The demo merchant's Shopify shop on the local simulator (started by the dev server): not yet
 * authorized, so a new user walks through 授权验证 → 抓取订单 themselves. Idempotent.
 */
export async function seedDemoChannels(db: DbExecutor, orgId: string) {
  const shopDomain = `${DEMO_SHOPIFY_SHOP}.myshopify.com`;
  await db
    .insert(channelAccounts)
    .values({
      orgId,
      platform: "shopify",
      alias: DEMO_SHOPIFY_ALIAS,
      externalShopId: shopDomain,
      baseUrl: `${simulatorUrl("shopify")}/store/${DEMO_SHOPIFY_SHOP}`,
      settings: { shopDomain },
      pullMode: "auto",
      pullIntervalMinutes: 15,
    })
    .onConflictDoNothing();
  const [account] = await db.select().from(channelAccounts).where(and(eq(channelAccounts.orgId, orgId), eq(channelAccounts.alias, DEMO_SHOPIFY_ALIAS)));
  if (!account) return;
  const skus = [...new Set(DEMO_MAPPINGS.flatMap((m) => m.items.map((i) => i[0])))];
  const prods = await db.select({ id: products.id, sku: products.sku }).from(products).where(and(eq(products.orgId, orgId), inArray(products.sku, skus)));
  const rows = DEMO_MAPPINGS.flatMap((m) =>
    m.items.flatMap(([sku, quantity]) => {
      const p = prods.find((x) => x.sku === sku);
      return p ? [{ orgId, accountId: account.id, platform: "shopify", platformSku: m.platformSku, productId: p.id, quantity }] : [];
    }),
  );
  if (rows.length) await db.insert(skuMappings).values(rows).onConflictDoNothing();
}
