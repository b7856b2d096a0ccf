import { and, eq, inArray } from "drizzle-orm";
import type { OrgScope } from "@/server/context";
import { channelAccounts, products, skuMappings } from "@/db/schema";
import { DEMO_SHOPIFY_SHOP, simulatorUrl } from "@/server/channels/endpoints";

export const DEMO_SHOPIFY_ALIAS = "Shopify 演示店";

/** Platform SKU → system SKU × qty of the demo shop; SOCKS-3PK stays unmapped so a blocked order shows. */
const DEMO_MAPPINGS: { platformSku: string; items: [string, string][] }[] = [
  { platformSku: "TSHIRT-WHITE-L", items: [["00021002", "1"]] },
  { platformSku: "JEANS-32", items: [["00031003", "1"]] },
  { platformSku: "TEE-DUO", items: [["00021002", "1"], ["00021003", "1"]] },
];

export const DEMO_AMAZON_ALIAS = "Amazon 演示店";
export const DEMO_SHOPEE_ALIAS = "Shopee 演示店";
export const DEMO_LAZADA_ALIAS = "Lazada 演示店";

type DemoAccount = {
  platform: "shopify" | "amazon" | "shopee" | "lazada";
  alias: string;
  externalShopId: string | null;
  baseUrl: string;
  settings: Record<string, unknown>;
  mappings: { platformSku: string; items: [string, string][] }[];
};

/**
 * The demo merchant's shops on the local simulators (started by the dev server): a Shopify shop, an
 * Amazon seller and a Shopee shop, not yet authorized, so a new user walks through 授权验证 → 抓取订单
 * themselves. Each sells the same catalogue; SOCKS-3PK stays unmapped everywhere so a blocked order
 * shows, and Amazon/Shopee have no bundle listing. Idempotent (accounts by alias, mappings by key).
 */
export async function seedDemoChannels(ctx: OrgScope) {
  const { db, orgId } = ctx;
  const shopDomain = `${DEMO_SHOPIFY_SHOP}.myshopify.com`;
  const accounts: DemoAccount[] = [
    {
      platform: "shopify",
      alias: DEMO_SHOPIFY_ALIAS,
      // Set by the OAuth callback when the demo user authorizes it, like any shop.
      externalShopId: null,
      baseUrl: `${simulatorUrl("shopify")}/store/${DEMO_SHOPIFY_SHOP}`,
      settings: { shopDomain },
      mappings: DEMO_MAPPINGS,
    },
    {
      platform: "amazon",
      alias: DEMO_AMAZON_ALIAS,
      externalShopId: null,
      baseUrl: simulatorUrl("amazon"),
      settings: { marketplaceIds: "ATVPDKIKX0DER" },
      mappings: DEMO_MAPPINGS.filter((m) => m.items.length === 1),
    },
    {
      platform: "shopee",
      alias: DEMO_SHOPEE_ALIAS,
      externalShopId: null,
      baseUrl: simulatorUrl("shopee"),
      settings: {},
      mappings: DEMO_MAPPINGS.filter((m) => m.items.length === 1),
    },
    {
      // A cross-border seller's PH shop: authorizing it adds its MY and TH shops as accounts of their own.
      platform: "lazada",
      alias: DEMO_LAZADA_ALIAS,
      externalShopId: null,
      baseUrl: `${simulatorUrl("lazada")}/ph/rest`,
      settings: { venture: "ph" },
      mappings: DEMO_MAPPINGS.filter((m) => m.items.length === 1),
    },
  ];
  const skus = [...new Set(DEMO_MAPPINGS.flatMap((m) => m.items.map((i) => i[0])))];
  const prods = await db.select({ id: products.id, sku: products.sku }).from(products).where(and(eq(products.orgId, orgId), inArray(products.sku, skus)));
  for (const a of accounts) {
    await db
      .insert(channelAccounts)
      .values({ orgId, platform: a.platform, alias: a.alias, externalShopId: a.externalShopId, baseUrl: a.baseUrl, settings: a.settings, pullMode: "auto", pullIntervalMinutes: 15 })
      .onConflictDoNothing();
    const [account] = await db.select().from(channelAccounts).where(and(eq(channelAccounts.orgId, orgId), eq(channelAccounts.alias, a.alias)));
    // An alias the merchant has reused for another platform is theirs: leave it alone.
    if (!account || account.platform !== a.platform) continue;
    const rows = a.mappings.flatMap((m) =>
      m.items.flatMap(([sku, quantity]) => {
        const p = prods.find((x) => x.sku === sku);
        return p ? [{ orgId, accountId: account.id, platform: a.platform, platformSku: m.platformSku, productId: p.id, quantity }] : [];
      }),
    );
    if (rows.length) await db.insert(skuMappings).values(rows).onConflictDoNothing();
  }
}
