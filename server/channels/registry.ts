import { createAmazonConnector } from "./amazon/connector";
import { createLazadaConnector } from "./lazada/connector";
import { createShopeeConnector } from "./shopee/connector";
import { shopifyConnector } from "./shopify/connector";
import type { ChannelConnector, PlatformCode } from "./types";

/**
 * The connectors this build offers. The accounts page shows a platform tab only when its connector is
 * listed here (platforms not implemented are not offered). Add a connector: import it and add a line.
 */
const CONNECTORS: Partial<Record<PlatformCode, ChannelConnector>> = {
  shopify: shopifyConnector,
  amazon: createAmazonConnector(),
  shopee: createShopeeConnector(),
  lazada: createLazadaConnector(),
};

export function connectorFor(platform: string): ChannelConnector | null {
  return CONNECTORS[platform as PlatformCode] ?? null;
}

export const implementedPlatforms = (): PlatformCode[] => Object.keys(CONNECTORS) as PlatformCode[];
