import { createHash } from "node:crypto";
import { ChannelError, type ChannelAccountRef, type ChannelConnector, type ChannelCredentials, type OrdersPage } from "../types";
import {
  amazonAppConfigFromEnv,
  amazonEndpoints,
  configuredMarketplaceIds,
  resolveAmazonConfig,
  type AmazonAppConfig,
  type ResolvedAmazonConfig,
} from "./config";
import { spApiCall } from "./http";
import { lwaToken } from "./lwa";
import { ADDRESS_STATUSES, normalizeAmazonOrder, type AmazonAddress, type AmazonOrder, type AmazonOrderItem } from "./orders";

type Participation = {
  marketplace: { id: string; name?: string; countryCode?: string };
  participation: { isParticipating: boolean };
  storeName?: string;
};

/** Amazon wants LastUpdatedBefore at least two minutes in the past (Orders v0). */
const LAST_UPDATED_BEFORE_LAG_MS = 2 * 60_000;

/** Amazon `CarrierCode` values for the carriers merchants here ship with; anything else goes as "Other". */
const CARRIER_CODES: Record<string, string> = {
  usps: "USPS",
  ups: "UPS",
  fedex: "FedEx",
  dhl: "DHL",
  "dhl ecommerce": "DHL eCommerce",
  "royal mail": "Royal Mail",
  dpd: "DPD",
  gls: "GLS",
  tnt: "TNT",
  "canada post": "Canada Post",
  "china post": "China Post",
  中国邮政: "China Post",
  "sf express": "SF Express",
  顺丰: "SF Express",
  顺丰快递: "SF Express",
  "yun express": "Yun Express",
  yunexpress: "Yun Express",
  云途: "Yun Express",
  yanwen: "Yanwen",
  燕文: "Yanwen",
  "4px": "4PX",
  cainiao: "Cainiao",
  菜鸟: "Cainiao",
};

export function amazonCarrier(carrier: string): { carrierCode: string; carrierName?: string } {
  const code = CARRIER_CODES[carrier.trim().toLowerCase()];
  return code ? { carrierCode: code } : { carrierCode: "Other", carrierName: carrier.trim() || "Other" };
}

/**
 * `packageReferenceId` must be a positive number unique within the order. Deriving it from the tracking
 * number makes a retried confirmation (after a timeout whose request did land) the same package.
 */
export function packageReferenceId(trackingNumber: string): string {
  const n = parseInt(createHash("sha256").update(trackingNumber.trim()).digest("hex").slice(0, 12), 16);
  return String((n % 9_000_000_000) + 1_000_000_000);
}

export function createAmazonConnector(config: AmazonAppConfig = amazonAppConfigFromEnv()): ChannelConnector {
  const cfg: ResolvedAmazonConfig = resolveAmazonConfig(config);
  const discoveredMarketplaces = new Map<string, string[]>();

  async function participations(account: ChannelAccountRef, credentials: ChannelCredentials): Promise<Participation[]> {
    const res = await spApiCall<{ payload?: Participation[] }>(cfg, account, credentials, {
      operation: "getMarketplaceParticipations",
      method: "GET",
      path: "/sellers/v1/marketplaceParticipations",
    });
    return res?.payload ?? [];
  }

  async function marketplaceIds(account: ChannelAccountRef, credentials: ChannelCredentials): Promise<string[]> {
    const configured = configuredMarketplaceIds(account);
    if (configured) return configured;
    const cached = discoveredMarketplaces.get(account.id);
    if (cached) return cached;
    const ids = (await participations(account, credentials)).filter((p) => p.participation.isParticipating).map((p) => p.marketplace.id);
    if (ids.length === 0) throw new ChannelError("invalid_request", "This Amazon seller participates in no marketplace");
    discoveredMarketplaces.set(account.id, ids);
    return ids;
  }

  async function orderItems(account: ChannelAccountRef, credentials: ChannelCredentials, orderId: string): Promise<AmazonOrderItem[]> {
    const items: AmazonOrderItem[] = [];
    let nextToken: string | undefined;
    do {
      const res = await spApiCall<{ payload: { OrderItems: AmazonOrderItem[]; NextToken?: string } }>(cfg, account, credentials, {
        operation: "getOrderItems",
        method: "GET",
        path: `/orders/v0/orders/${encodeURIComponent(orderId)}/orderItems`,
        query: { NextToken: nextToken },
      });
      items.push(...(res.payload.OrderItems ?? []));
      nextToken = res.payload.NextToken || undefined;
    } while (nextToken);
    return items;
  }

  async function orderAddress(account: ChannelAccountRef, credentials: ChannelCredentials, orderId: string): Promise<AmazonAddress | null> {
    const res = await spApiCall<{ payload: { ShippingAddress?: AmazonAddress } }>(cfg, account, credentials, {
      operation: "getOrderAddress",
      method: "GET",
      path: `/orders/v0/orders/${encodeURIComponent(orderId)}/address`,
    });
    return res.payload.ShippingAddress ?? null;
  }

  const connector: ChannelConnector = {
    platform: "amazon",
    maxWindowMs: null,

    authorizeUrl({ account, state, redirectUri }) {
      const url = new URL(`${amazonEndpoints(account).sellerCentral}/apps/authorize/consent`);
      url.searchParams.set("application_id", cfg.applicationId);
      url.searchParams.set("state", state);
      url.searchParams.set("redirect_uri", redirectUri);
      if (cfg.draftApp) url.searchParams.set("version", "beta");
      return url.toString();
    },

    async completeAuthorization({ account, query, redirectUri }) {
      const code = query.get("spapi_oauth_code");
      const sellerId = query.get("selling_partner_id");
      if (!code || !sellerId) {
        throw new ChannelError("invalid_request", "Amazon callback is missing spapi_oauth_code or selling_partner_id");
      }
      const credentials = await lwaToken(cfg, amazonEndpoints(account).lwaToken, {
        grant_type: "authorization_code",
        code,
        redirect_uri: redirectUri,
      });
      const authorized = { ...account, externalShopId: sellerId };
      const { shopName } = await connector.verify({ account: authorized, credentials });
      return { externalShopId: sellerId, shopName, credentials };
    },

    async refreshCredentials({ account, credentials }) {
      if (!credentials.refreshToken) throw new ChannelError("auth_revoked", "No Amazon refresh token stored; authorize again");
      return lwaToken(cfg, amazonEndpoints(account).lwaToken, { grant_type: "refresh_token", refresh_token: credentials.refreshToken });
    },

    async verify({ account, credentials }) {
      const list = await participations(account, credentials);
      const active = list.filter((p) => p.participation.isParticipating);
      if (active.length === 0) throw new ChannelError("invalid_request", "This Amazon seller participates in no marketplace");
      if (!configuredMarketplaceIds(account)) discoveredMarketplaces.set(account.id, active.map((p) => p.marketplace.id));
      return { shopName: active.find((p) => p.storeName)?.storeName ?? active[0]!.marketplace.name ?? null };
    },

    async listOrders({ account, credentials, from, to, cursor }): Promise<OrdersPage> {
      const ids = await marketplaceIds(account, credentials);
      const query: Record<string, string | number | undefined> = { MarketplaceIds: ids.join(",") };
      if (cursor) {
        query.NextToken = cursor;
      } else {
        query.LastUpdatedAfter = from.toISOString();
        // Amazon refuses a LastUpdatedBefore within the last two minutes; leaving it out means "up to
        // now", and orders past `to` are harmless to the idempotent import.
        if (to.getTime() <= cfg.now() - LAST_UPDATED_BEFORE_LAG_MS) query.LastUpdatedBefore = to.toISOString();
        query.MaxResultsPerPage = Math.min(100, Math.max(1, cfg.pageSize));
      }
      const res = await spApiCall<{ payload: { Orders: AmazonOrder[]; NextToken?: string } }>(cfg, account, credentials, {
        operation: "getOrders",
        method: "GET",
        path: "/orders/v0/orders",
        query,
      });
      const orders = [];
      for (const order of res.payload.Orders ?? []) {
        const items = await orderItems(account, credentials, order.AmazonOrderId);
        const needsAddress = ADDRESS_STATUSES.has(order.OrderStatus) && !order.ShippingAddress?.AddressLine1;
        const address = needsAddress ? await orderAddress(account, credentials, order.AmazonOrderId) : null;
        orders.push(normalizeAmazonOrder(order, items, address));
      }
      return { orders, nextCursor: res.payload.NextToken || null };
    },

    async pushShipment({ account, credentials, order, shipment }) {
      const raw = (order.raw ?? {}) as { order?: AmazonOrder };
      const marketplaceId = raw.order?.MarketplaceId ?? (await marketplaceIds(account, credentials))[0]!;
      const orderItems = shipment.lines.map((l) => {
        const quantity = Number(l.quantity);
        if (!Number.isInteger(quantity) || quantity <= 0) {
          throw new ChannelError("invalid_request", `Amazon ships whole units; line ${l.platformLineId} has quantity ${l.quantity}`);
        }
        return { orderItemId: l.platformLineId, quantity };
      });
      const ref = packageReferenceId(shipment.trackingNumber);
      await spApiCall<null>(cfg, account, credentials, {
        operation: "confirmShipment",
        method: "POST",
        path: `/orders/v0/orders/${encodeURIComponent(order.platformOrderId)}/shipmentConfirmation`,
        body: {
          marketplaceId,
          packageDetail: {
            packageReferenceId: ref,
            ...amazonCarrier(shipment.carrier),
            trackingNumber: shipment.trackingNumber,
            shipDate: new Date(cfg.now()).toISOString(),
            orderItems,
          },
        },
      });
      return { remoteId: `${order.platformOrderId}/${ref}` };
    },

    async pushStock({ account, credentials, listing, quantity }) {
      if (!account.externalShopId) throw new ChannelError("invalid_request", "Amazon account has no selling partner id; authorize it first");
      if (!Number.isInteger(quantity) || quantity < 0) throw new ChannelError("invalid_request", `Stock must be a whole number ≥ 0, got ${quantity}`);
      const ids = await marketplaceIds(account, credentials);
      const res = await spApiCall<{ status?: string; issues?: { code?: string; message?: string; severity?: string }[] }>(
        cfg,
        account,
        credentials,
        {
          operation: "patchListingsItem",
          method: "PATCH",
          path: `/listings/2021-08-01/items/${encodeURIComponent(account.externalShopId)}/${encodeURIComponent(listing.platformSku)}`,
          query: { marketplaceIds: ids.join(",") },
          body: {
            productType: "PRODUCT",
            patches: [
              {
                op: "replace",
                path: "/attributes/fulfillment_availability",
                value: [{ fulfillment_channel_code: "DEFAULT", quantity }],
              },
            ],
          },
        },
      );
      if (res?.status !== "ACCEPTED") {
        const issues = (res?.issues ?? []).filter((i) => i.severity !== "WARNING").map((i) => `${i.code}: ${i.message}`);
        throw new ChannelError("invalid_request", `Amazon did not accept the stock of ${listing.platformSku}: ${issues.join("; ") || res?.status}`, {
          platformCode: res?.status,
        });
      }
    },
  };
  return connector;
}

let defaultConnector: ChannelConnector | null = null;

/** The connector with the app credentials from the environment (built on first use). */
export function amazonConnector(): ChannelConnector {
  defaultConnector ??= createAmazonConnector();
  return defaultConnector;
}
