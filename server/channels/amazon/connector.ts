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
import { financialEventLines, groupSettlement, type AmazonFinancialEventGroup, type AmazonFinancialEvents } from "./settlements";
import { ADDRESS_STATUSES, normalizeAmazonOrder, normalizeAmazonOrder2026, type AmazonAddress, type AmazonOrder, type AmazonOrder2026, type AmazonOrderItem } from "./orders";

type ListArgs = Parameters<ChannelConnector["listOrders"]>[0];

/** Which Orders API: 2026-01-01 unless the account (settings.ordersApi), the app or AMAZON_ORDERS_API says v0. */
function ordersApiOf(cfg: ResolvedAmazonConfig, account: ChannelAccountRef): "v0" | "2026-01-01" {
  const asked = (account.settings as { ordersApi?: unknown }).ordersApi ?? cfg.ordersApi ?? process.env.AMAZON_ORDERS_API;
  return asked === "v0" ? "v0" : "2026-01-01";
}

type Participation = {
  marketplace: { id: string; name?: string; countryCode?: string };
  participation: { isParticipating: boolean };
  storeName?: string;
};

/**
 * A financial event group spans about two weeks and stays Open meanwhile: a settlement pull asks for the
 * groups opened since this long before its window, so a group opened before the window is read again
 * until it closes (idempotent upserts make the re-reads harmless).
 */
const GROUP_SPAN_MS = 21 * 24 * 3600_000;

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

  /** RDTs per account and LWA token, kept until a minute before they expire (an RDT lasts an hour). */
  const rdtCache = new Map<string, { token: string; expiresAt: number }>();

  /**
   * Orders v0 getOrderAddress and getOrderBuyerInfo are restricted operations: with a plain LWA token
   * Amazon leaves the personal data out. One Restricted Data Token (Tokens API createRestrictedDataToken,
   * called with the LWA token) for the generic `{orderId}` paths covers both for every order of the page.
   */
  async function restrictedCredentials(account: ChannelAccountRef, credentials: ChannelCredentials): Promise<ChannelCredentials> {
    const key = `${account.id}:${credentials.accessToken}`;
    const hit = rdtCache.get(key);
    if (hit && hit.expiresAt - 60_000 > cfg.now()) return { ...credentials, accessToken: hit.token };
    const res = await spApiCall<{ restrictedDataToken?: string; expiresIn?: number }>(cfg, account, credentials, {
      operation: "createRestrictedDataToken",
      method: "POST",
      path: "/tokens/2021-03-01/restrictedDataToken",
      body: {
        restrictedResources: [
          { method: "GET", path: "/orders/v0/orders/{orderId}/address" },
          { method: "GET", path: "/orders/v0/orders/{orderId}/buyerInfo" },
        ],
      },
      restricted: "a Restricted Data Token for getOrderAddress and getOrderBuyerInfo",
    });
    if (!res?.restrictedDataToken) throw new ChannelError("upstream", "Amazon createRestrictedDataToken returned no token");
    if (rdtCache.size > 1000) rdtCache.clear();
    rdtCache.set(key, { token: res.restrictedDataToken, expiresAt: cfg.now() + (res.expiresIn ?? 3600) * 1000 });
    return { ...credentials, accessToken: res.restrictedDataToken };
  }

  async function orderAddress(account: ChannelAccountRef, rdt: ChannelCredentials, orderId: string): Promise<AmazonAddress | null> {
    const res = await spApiCall<{ payload: { ShippingAddress?: AmazonAddress } }>(cfg, account, rdt, {
      operation: "getOrderAddress",
      method: "GET",
      path: `/orders/v0/orders/${encodeURIComponent(orderId)}/address`,
    });
    return res.payload.ShippingAddress ?? null;
  }

  async function orderBuyerInfo(account: ChannelAccountRef, rdt: ChannelCredentials, orderId: string): Promise<{ BuyerEmail?: string; BuyerName?: string }> {
    const res = await spApiCall<{ payload: { BuyerEmail?: string; BuyerName?: string } }>(cfg, account, rdt, {
      operation: "getOrderBuyerInfo",
      method: "GET",
      path: `/orders/v0/orders/${encodeURIComponent(orderId)}/buyerInfo`,
    });
    return { BuyerEmail: res.payload.BuyerEmail, BuyerName: res.payload.BuyerName };
  }

  /**
   * Orders v0 (deprecated, retired 2027-03-27): getOrders, then getOrderItems per order, and for orders
   * whose address Amazon releases getOrderAddress + getOrderBuyerInfo with a Restricted Data Token.
   */
  async function listOrdersV0({ account, credentials, from, to, cursor }: ListArgs): Promise<OrdersPage> {
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
        let address: AmazonAddress | null = null;
        let withBuyer = order;
        if (needsAddress) {
          const rdt = await restrictedCredentials(account, credentials);
          address = await orderAddress(account, rdt, order.AmazonOrderId);
          if (!order.BuyerInfo?.BuyerEmail) withBuyer = { ...order, BuyerInfo: { ...order.BuyerInfo, ...(await orderBuyerInfo(account, rdt, order.AmazonOrderId)) } };
        }
        orders.push(normalizeAmazonOrder(withBuyer, items, address));
      }
      return { orders, nextCursor: res.payload.NextToken || null };
    }

  /**
   * Orders API 2026-01-01 `searchOrders`: one call a page, items inline (v0 needed one more call per
   * order). The address and buyer come only with includedData=RECIPIENT/BUYER, which Amazon releases to
   * apps with the restricted Direct-to-Consumer Shipping role; a 403 for the role is a clear request error.
   */
  async function searchOrders({ account, credentials, from, to, cursor }: ListArgs): Promise<OrdersPage> {
    const ids = await marketplaceIds(account, credentials);
    const includedData = "BUYER,RECIPIENT,FULFILLMENT,PROCEEDS";
    const query: Record<string, string | number | undefined> = { marketplaceIds: ids.join(","), includedData };
    if (cursor) query.paginationToken = cursor;
    else {
      query.lastUpdatedAfter = from.toISOString();
      if (to.getTime() <= cfg.now() - LAST_UPDATED_BEFORE_LAG_MS) query.lastUpdatedBefore = to.toISOString();
      query.maxResultsPerPage = 100;
    }
    const res = await spApiCall<{ orders: AmazonOrder2026[]; pagination?: { nextToken?: string } }>(cfg, account, credentials, {
      operation: "searchOrders",
      method: "GET",
      path: "/orders/2026-01-01/orders",
      query,
      restricted: "includedData=BUYER,RECIPIENT",
    });
    return { orders: (res.orders ?? []).map(normalizeAmazonOrder2026), nextCursor: res.pagination?.nextToken || null };
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

    /** Orders API 2026-01-01 `searchOrders` (items inline); Orders v0 only when the account or app asks for it. */
    listOrders(args): Promise<OrdersPage> {
      return ordersApiOf(cfg, args.account) === "v0" ? listOrdersV0(args) : searchOrders(args);
    },

    /**
     * Finances v0: listFinancialEventGroups (opened in [from − 21 days, to), NextToken paging), one group
     * a page with all its events (listFinancialEventsByGroupId, NextToken paging), both at their 0.5/30
     * usage plans through the shared token buckets. See settlements.ts for what was verified.
     */
    async listSettlements({ account, credentials, from, to, cursor }) {
      // One group a page (its events can run to many pages at 0.5/s): the cursor keeps the rest of the
      // groups page Amazon answered and its NextToken.
      type Walk = { groups: AmazonFinancialEventGroup[]; next: string | null };
      let walk: Walk;
      if (cursor) {
        try {
          walk = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as Walk;
        } catch {
          throw new ChannelError("invalid_request", "Unreadable Amazon settlement cursor");
        }
      } else walk = { groups: [], next: null };
      if (walk.groups.length === 0) {
        const query: Record<string, string | number | undefined> = walk.next
          ? { NextToken: walk.next }
          : {
              MaxResultsPerPage: Math.min(100, Math.max(1, cfg.pageSize)),
              FinancialEventGroupStartedAfter: new Date(from.getTime() - GROUP_SPAN_MS).toISOString(),
              FinancialEventGroupStartedBefore: to.getTime() <= cfg.now() - LAST_UPDATED_BEFORE_LAG_MS ? to.toISOString() : undefined,
            };
        const res = await spApiCall<{ payload?: { FinancialEventGroupList?: AmazonFinancialEventGroup[]; NextToken?: string } }>(cfg, account, credentials, {
          operation: "listFinancialEventGroups",
          method: "GET",
          path: "/finances/v0/financialEventGroups",
          query,
        });
        walk = { groups: res.payload?.FinancialEventGroupList ?? [], next: res.payload?.NextToken || null };
      }
      const [g, ...rest] = walk.groups;
      const settlements = [];
      if (g) {
        const seen = new Map<string, number>();
        const lines = [];
        let next: string | undefined;
        do {
          const page: { payload?: { FinancialEvents?: AmazonFinancialEvents; NextToken?: string } } = await spApiCall(cfg, account, credentials, {
            operation: "listFinancialEventsByGroupId",
            method: "GET",
            path: `/finances/v0/financialEventGroups/${encodeURIComponent(g.FinancialEventGroupId)}/financialEvents`,
            query: next ? { NextToken: next } : { MaxResultsPerPage: Math.min(100, Math.max(1, cfg.pageSize)) },
          });
          lines.push(...financialEventLines(page.payload?.FinancialEvents ?? {}, g.OriginalTotal?.CurrencyCode ?? "", seen));
          next = page.payload?.NextToken || undefined;
        } while (next);
        settlements.push(groupSettlement(g, lines));
      }
      const more: Walk = { groups: rest, next: walk.next };
      return { settlements, nextCursor: rest.length || walk.next ? Buffer.from(JSON.stringify(more)).toString("base64url") : null };
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
                // merge, not replace: replace would set the attribute to this value alone and wipe the
                // seller's handling time (lead_time_to_ship_max_days) and restock date.
                op: "merge",
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
