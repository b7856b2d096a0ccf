import { simulatorPorts, DEMO_SHOPIFY_SHOP } from "@/server/channels/endpoints";
import { startAmazonSimulator, type AmazonSimulator } from "./amazon/server";
import { startShopeeSimulator, type ShopeeSimulator } from "./shopee/server";
import { startLazadaSimulator, type LazadaSimulator } from "./lazada/server";
import { ShopifySimulator } from "./shopify/server";
import { TIANTIAN_DEMO } from "@/server/services/production/demo";
import { startTiantianSimulator, type TiantianSimulator } from "./tiantian/server";

/**
 * All marketplace simulators, for `npm run simulators`, the dev server (instrumentation.ts starts them
 * in development) and the browser tests. Each listens on its own port (MANIFOLD_SIMULATOR_PORT = the
 * first, default 4610: Shopify; +1 Amazon; +2 Shopee). Add a simulator: start it here.
 */
export type RunningSimulators = {
  shopify: ShopifySimulator | null;
  amazon: AmazonSimulator | null;
  shopee: ShopeeSimulator | null;
  lazada: LazadaSimulator | null;
  tiantian: TiantianSimulator | null;
  stop: () => Promise<void>;
};

/** SKUs the Amazon and Shopee demo shops sell (the same catalogue as the Shopify demo shop). */
export const DEMO_MARKETPLACE_SKUS = ["TSHIRT-WHITE-L", "JEANS-32", "SOCKS-3PK"];

/** Amazon demo seller and Shopee demo shop: a week of orders in the usual mix of statuses. */
export function seedDemoMarketplaces(sims: { amazon?: AmazonSimulator | null; shopee?: ShopeeSimulator | null; lazada?: LazadaSimulator | null }) {
  if (sims.lazada && sims.lazada.orders.size === 0) {
    sims.lazada.seedOrders({ count: 8, venture: "ph", skus: DEMO_MARKETPLACE_SKUS, statuses: ["pending", "pending", "unpaid", "delivered"] });
  }
  if (sims.amazon && sims.amazon.orders.size === 0) {
    sims.amazon.seedOrders({ count: 8, skus: DEMO_MARKETPLACE_SKUS, statuses: ["Unshipped", "Unshipped", "Pending", "Shipped"] });
  }
  if (sims.shopee && sims.shopee.orders.size === 0) {
    sims.shopee.seedOrders({ count: 8, skus: DEMO_MARKETPLACE_SKUS, statuses: ["READY_TO_SHIP", "READY_TO_SHIP", "UNPAID", "COMPLETED"] });
  }
}

/** Start a function-style simulator on its port; a taken port means one is already running there. */
async function tryStartOn<T>(start: () => Promise<T>, port: number, log: (m: string) => void): Promise<T | null> {
  try {
    return await start();
  } catch (e) {
    if ((e as NodeJS.ErrnoException)?.code === "EADDRINUSE") {
      log(`[simulators] port ${port} is taken (another simulator is probably running there); not starting a second one`);
      return null;
    }
    throw e;
  }
}

/** The demo shop's catalogue: what the seeded demo account's SKU mappings know (SOCKS-3PK is left unmapped on purpose). */
export const DEMO_SHOP_ORDERS = [
  { lineItems: [{ sku: "TSHIRT-WHITE-L", quantity: 2, price: "19.90", title: "Cotton tee white L" }], customerName: "Alice Martin", shipping: { city: "Lyon", countryCode: "FR", zip: "69002", address1: "12 Rue de la République", phone: "+33 4 72 00 00 00" } },
  { lineItems: [{ sku: "JEANS-32", quantity: 1, price: "59.00", title: "Straight jeans 32" }, { sku: "TSHIRT-WHITE-L", quantity: 1, price: "19.90" }], customerName: "Ben Okafor", shipping: { city: "London", countryCode: "GB", zip: "E1 6AN", address1: "5 Brick Lane" } },
  { lineItems: [{ sku: "TEE-DUO", quantity: 1, price: "35.00", title: "Tee duo pack" }], customerName: "Chen Wei", shipping: { city: "Singapore", countryCode: "SG", zip: "238859", address1: "1 Orchard Road" } },
  { lineItems: [{ sku: "SOCKS-3PK", quantity: 2, price: "12.50", title: "Sport socks 3-pack" }], customerName: "Dana Schulz", shipping: { city: "Berlin", countryCode: "DE", zip: "10115", address1: "Invalidenstraße 1" } },
];

export function seedDemoShop(sim: ShopifySimulator, shop = DEMO_SHOPIFY_SHOP) {
  const s = sim.store(shop);
  s.name = "Manifold Demo Shop";
  if (s.orders.size > 0) return;
  for (const o of DEMO_SHOP_ORDERS) sim.createOrder(shop, o);
}

async function tryStart<T extends { start: (port: number) => Promise<string> }>(sim: T, port: number, log: (m: string) => void): Promise<T | null> {
  try {
    await sim.start(port);
    return sim;
  } catch (e) {
    if ((e as NodeJS.ErrnoException)?.code === "EADDRINUSE") {
      log(`[simulators] port ${port} is taken (another simulator is probably running there); not starting a second one`);
      return null;
    }
    throw e;
  }
}

export async function startSimulators(opts: { log?: (m: string) => void } = {}): Promise<RunningSimulators> {
  const log = opts.log ?? (() => {});
  const ports = simulatorPorts();
  const shopify = await tryStart(new ShopifySimulator(), ports.shopify, log);
  if (shopify) {
    seedDemoShop(shopify);
    log(`[simulators] Shopify simulator on ${shopify.url} (demo shop ${DEMO_SHOPIFY_SHOP}.myshopify.com)`);
  }
  const amazon = await tryStartOn(() => startAmazonSimulator({ port: ports.amazon }), ports.amazon, log);
  const shopee = await tryStartOn(() => startShopeeSimulator({ port: ports.shopee }), ports.shopee, log);
  const lazada = await tryStartOn(() => startLazadaSimulator({ port: ports.lazada }), ports.lazada, log);
  seedDemoMarketplaces({ amazon, shopee, lazada });
  if (lazada) log(`[simulators] Lazada simulator on ${lazada.baseUrl} (cross-border seller: ${lazada.sellers.map((s) => s.venture.toUpperCase()).join(", ")}; app ${lazada.app.appKey})`);
  if (amazon) log(`[simulators] Amazon SP-API simulator on ${amazon.baseUrl} (demo seller ${amazon.defaultSellerId})`);
  if (shopee) log(`[simulators] Shopee simulator on ${shopee.baseUrl} (demo shop ${shopee.defaultShopId}, partner ${shopee.partner.partnerId})`);
  const tiantian = await tryStartOn(
    () => startTiantianSimulator({ port: TIANTIAN_DEMO.port(), appKey: TIANTIAN_DEMO.appKey, appSecret: TIANTIAN_DEMO.appSecret }),
    TIANTIAN_DEMO.port(),
    log,
  );
  if (tiantian) log(`[simulators] 天天工厂 production-progress simulator on ${tiantian.endpoint}`);
  return {
    shopify,
    amazon,
    shopee,
    lazada,
    tiantian,
    stop: async () => {
      await shopify?.stop();
      await amazon?.close();
      await shopee?.close();
      await lazada?.close();
      await tiantian?.close();
    },
  };
}

// `npm run simulators`
if (process.argv[1] && /tests[\\/]simulators[\\/]index\.ts$/.test(process.argv[1])) {
  const running = await startSimulators({ log: (m) => console.error(m) });
  const stop = async () => {
    await running.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}
