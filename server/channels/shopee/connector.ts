import { ChannelError, type ChannelAccountRef, type ChannelConnector, type ChannelCredentials, type NormalizedOrder, type OrdersPage } from "../types";
import { shopCall, shopeeCall, type ShopeeEnvelope } from "./client";
import { resolveShopeeConfig, shopeeBase, shopeePartnerConfigFromEnv, shopIdOf, type ResolvedShopeeConfig, type ShopeePartnerConfig } from "./config";
import {
  decodeCursor,
  DETAIL_FIELDS,
  encodeCursor,
  normalizeShopeeOrder,
  SHOPEE_MAX_WINDOW_MS,
  toShopeeSeconds,
  type ShopeeOrderDetail,
} from "./orders";
import { verifyShopeePush } from "./push";
import { decodeEscrowCursor, encodeEscrowCursor, escrowSettlement, type ShopeeEscrowItem, type ShopeeOrderIncome } from "./settlements";
import { shopeeSign } from "./sign";

/*
 * Shopee Open Platform v2 connector. Every error code it matches is one Shopee's API reference lists
 * for the API concerned (error_list of each v2 API in the stored scrapes of open.shopee.com:
 * lazykern/ecommerce-api-docs data/raw/shopee/apis, congminh1254/shopee-sdk schemas/ of 2026-08):
 *   ship_order: logistics.package_already_shipped ("This package has already been arranged shipment…"),
 *     logistics.error_param "Order has been shipped." (the message decides: logistics.error_param has
 *     dozens of messages), logistics.ship_order_need_pacakge_number / ship_order_not_need_pacakge_number
 *     (Shopee's spelling), logistics.ship_order_need_tracking_number; get_shipping_parameter /
 *     get_tracking_number: logistics.package_number_not_exist, logistics.package_not_exist;
 *   refresh (v2.public.refresh_access_token): refresh_token_expired, error_shop_refresh_token,
 *     shop_access_expired, shop_no_linked, shop_banned → authorize again;
 *   every API: error_sign, error_auth "Invalid access_token.", error_rate_limit, error_limit (daily
 *     quota), error_server / error_inner / error_network / error_system_busy (client.ts).
 * Could not be verified (no source in the stored docs): the HTTP status that comes with each code
 * (codes decide, statuses only as a fallback: 429, ≥500); whether an order whose packages are only
 * partly arranged stays READY_TO_SHIP; the per-second rate limits (Shopee publishes no numbers: every
 * API's rate_limit is [0,0,0]); the push retry count and intervals (the guide defers to per-push pages
 * that are not in the stored docs). Not matched any more because no Shopee source lists them:
 * error_too_frequent, error_too_many_request, invalid_acceess_token, error_token, error_busi_system_busy.
 */

const AUTH_PARTNER_PATH = "/api/v2/shop/auth_partner";
const REFRESH_TTL_MS = 30 * 24 * 3600_000;

type TokenAnswer = ShopeeEnvelope & { access_token?: string; refresh_token?: string; expire_in?: number };

type ShippingParameter = {
  info_needed?: { dropoff?: string[]; pickup?: string[]; non_integrated?: string[] };
  dropoff?: { branch_list?: { branch_id: number }[] | null; slug_list?: { slug: string }[] | null } | null;
  pickup?: { address_list?: { address_id: number; address_flag?: string[]; time_slot_list?: { pickup_time_id: string; flags?: string[] }[] | null }[] | null } | null;
};

/** Shopee's answers when an order or package was arranged before (our earlier attempt landed, or the seller did it). */
function alreadyShipped(e: unknown): e is ChannelError {
  if (!(e instanceof ChannelError) || e.kind !== "invalid_request") return false;
  const code = e.opts.platformCode ?? "";
  return code === "logistics.package_already_shipped" || (code === "logistics.error_param" && /order has been shipped/i.test(e.message));
}

/** Refresh refusals that mean the seller must authorize again (v2.public.refresh_access_token). */
const REAUTHORIZE = new Set(["refresh_token_expired", "error_shop_refresh_token", "shop_access_expired", "shop_no_linked", "shop_banned"]);

export function createShopeeConnector(config: ShopeePartnerConfig = shopeePartnerConfigFromEnv()): ChannelConnector {
  const cfg: ResolvedShopeeConfig = resolveShopeeConfig(config);

  function credentialsFrom(body: TokenAnswer): ChannelCredentials {
    if (!body.access_token || !body.refresh_token) throw new ChannelError("upstream", "Shopee returned no token");
    const now = cfg.now();
    return {
      accessToken: body.access_token,
      accessTokenExpiresAt: new Date(now + (body.expire_in ?? 14_400) * 1000),
      refreshToken: body.refresh_token,
      refreshTokenExpiresAt: new Date(now + REFRESH_TTL_MS),
    };
  }

  async function details(account: ChannelAccountRef, credentials: ChannelCredentials, sns: string[]): Promise<ShopeeOrderDetail[]> {
    const out: ShopeeOrderDetail[] = [];
    for (let i = 0; i < sns.length; i += 50) {
      const res = await shopCall<{ order_list: ShopeeOrderDetail[] }>(cfg, account, credentials, {
        operation: "order.get_order_detail",
        method: "GET",
        path: "/api/v2/order/get_order_detail",
        query: { order_sn_list: sns.slice(i, i + 50).join(","), response_optional_fields: DETAIL_FIELDS },
      });
      out.push(...(res.response?.order_list ?? []));
    }
    return out;
  }

  async function trackingNumber(account: ChannelAccountRef, credentials: ChannelCredentials, orderSn: string, packageNumber: string | null): Promise<string> {
    const res = await shopCall<{ tracking_number?: string }>(cfg, account, credentials, {
      operation: "logistics.get_tracking_number",
      method: "GET",
      path: "/api/v2/logistics/get_tracking_number",
      query: { order_sn: orderSn, package_number: packageNumber ?? undefined },
    });
    return res.response?.tracking_number ?? "";
  }

  /** item_id / model_id of a listing: from the order line's `item:model`, else found by SKU. */
  async function listingIds(account: ChannelAccountRef, credentials: ChannelCredentials, listing: { platformSku: string; externalListingId: string | null }) {
    const m = /^(\d+)(?::(\d+))?$/.exec(listing.externalListingId ?? "");
    if (m) return { itemId: Number(m[1]), modelId: Number(m[2] ?? 0) };
    const found = await shopCall<{ item_id_list?: number[] }>(cfg, account, credentials, {
      operation: "product.search_item",
      method: "GET",
      path: "/api/v2/product/search_item",
      query: { item_sku: listing.platformSku, page_size: 10 },
    });
    for (const itemId of found.response?.item_id_list ?? []) {
      const models = await shopCall<{ model?: { model_id: number; model_sku?: string }[] }>(cfg, account, credentials, {
        operation: "product.get_model_list",
        method: "GET",
        path: "/api/v2/product/get_model_list",
        query: { item_id: itemId },
      });
      const list = models.response?.model ?? [];
      if (list.length === 0) return { itemId, modelId: 0 };
      const model = list.find((x) => x.model_sku === listing.platformSku);
      if (model) return { itemId, modelId: model.model_id };
    }
    throw new ChannelError("invalid_request", `No Shopee listing has SKU ${listing.platformSku}`, { platformCode: "error_item_not_found" });
  }

  /** get_shipping_parameter + ship_order for one package (or the whole unsplit order); the tracking number it ships under. */
  async function shipPackage(account: ChannelAccountRef, credentials: ChannelCredentials, sn: string, packageNumber: string | null, ourTracking: string): Promise<string> {
    const what = packageNumber ? `package ${packageNumber} of order ${sn}` : `order ${sn}`;
    const params = await shopCall<ShippingParameter>(cfg, account, credentials, {
      operation: "logistics.get_shipping_parameter",
      method: "GET",
      path: "/api/v2/logistics/get_shipping_parameter",
      query: { order_sn: sn, package_number: packageNumber ?? undefined },
    });
    const p = params.response ?? {};
    const needed = p.info_needed ?? {};
    const body: Record<string, unknown> = { order_sn: sn };
    if (packageNumber) body.package_number = packageNumber;
    // The 3PL assigns the number (integrated pickup/dropoff that do not ask for ours): read it back after.
    let assignedByCarrier = false;
    if (needed.non_integrated) {
      body.non_integrated = { tracking_number: ourTracking };
    } else if (needed.dropoff && (needed.dropoff.length > 0 || !needed.pickup)) {
      const dropoff: Record<string, unknown> = {};
      if (needed.dropoff.includes("tracking_no")) dropoff.tracking_number = ourTracking;
      else assignedByCarrier = true;
      if (needed.dropoff.includes("branch_id")) dropoff.branch_id = p.dropoff?.branch_list?.[0]?.branch_id;
      if (needed.dropoff.includes("sender_real_name")) dropoff.sender_real_name = String(account.settings.senderRealName ?? "Manifold");
      if (needed.dropoff.includes("slug")) dropoff.slug = p.dropoff?.slug_list?.[0]?.slug;
      body.dropoff = dropoff;
    } else if (needed.pickup) {
      const addresses = p.pickup?.address_list ?? [];
      const address = addresses.find((a) => a.address_flag?.includes("pickup_address")) ?? addresses.find((a) => a.address_flag?.includes("default_address")) ?? addresses[0];
      if (!address) throw new ChannelError("invalid_request", `Shopee offers no pickup address for ${what}`);
      const pickup: Record<string, unknown> = { address_id: address.address_id };
      const slots = address.time_slot_list ?? [];
      const slot = slots.find((t) => t.flags?.includes("recommended")) ?? slots[0];
      // "Some logistics channels may not return any date or time for pickup time slots": ship without one then.
      if (slot) pickup.pickup_time_id = slot.pickup_time_id;
      // Some pickup channels want the seller's tracking number too ("tracking_number" in info_needed).
      if (needed.pickup.includes("tracking_number")) pickup.tracking_number = ourTracking;
      else assignedByCarrier = true;
      body.pickup = pickup;
    } else {
      throw new ChannelError("invalid_request", `Shopee cannot arrange shipment for ${what} (no shipping method offered)`);
    }
    try {
      await shopCall(cfg, account, credentials, { operation: "logistics.ship_order", method: "POST", path: "/api/v2/logistics/ship_order", body });
    } catch (e) {
      if (!alreadyShipped(e)) throw e;
      const existing = await trackingNumber(account, credentials, sn, packageNumber);
      if (assignedByCarrier || existing === ourTracking) return existing;
      throw new ChannelError("invalid_request", `Shopee ${what} was already shipped with tracking number ${existing || "(none)"}`, e.opts);
    }
    return assignedByCarrier ? await trackingNumber(account, credentials, sn, packageNumber) : ourTracking;
  }

  const connector: ChannelConnector = {
    platform: "shopee",
    maxWindowMs: SHOPEE_MAX_WINDOW_MS,

    /**
     * The signed auth_partner link (valid five minutes). Shopee has no `state` parameter and appends
     * `code` and `shop_id` to the redirect as given, so our state rides in the redirect URL.
     */
    authorizeUrl({ account, state, redirectUri }) {
      const timestamp = Math.floor(cfg.now() / 1000);
      const redirect = new URL(redirectUri);
      redirect.searchParams.set("state", state);
      const url = new URL(shopeeBase(account) + AUTH_PARTNER_PATH);
      url.searchParams.set("partner_id", String(cfg.partnerId));
      url.searchParams.set("timestamp", String(timestamp));
      url.searchParams.set("sign", shopeeSign({ partnerKey: cfg.partnerKey, partnerId: cfg.partnerId, path: AUTH_PARTNER_PATH, timestamp }));
      url.searchParams.set("redirect", redirect.toString());
      return url.toString();
    },

    async completeAuthorization({ account, query }) {
      const code = query.get("code");
      const shopId = query.get("shop_id");
      if (!code) throw new ChannelError("invalid_request", "Shopee callback has no code");
      if (!shopId) {
        throw new ChannelError(
          "invalid_request",
          query.get("main_account_id") ? "Authorize a shop account: main-account authorization is not supported" : "Shopee callback has no shop_id",
        );
      }
      const res = (await shopeeCall(cfg, shopeeBase(account), {
        operation: "auth.token.get",
        method: "POST",
        path: "/api/v2/auth/token/get",
        body: { code, shop_id: Number(shopId), partner_id: cfg.partnerId },
      })) as TokenAnswer;
      const credentials = credentialsFrom(res);
      const authorized = { ...account, externalShopId: shopId };
      const { shopName } = await connector.verify({ account: authorized, credentials });
      return { externalShopId: shopId, shopName, credentials };
    },

    /** Refresh tokens are single-use: the new pair must be stored, the old refresh token is dead. */
    async refreshCredentials({ account, credentials }) {
      if (!credentials.refreshToken) throw new ChannelError("auth_revoked", "No Shopee refresh token stored; authorize again");
      if (credentials.refreshTokenExpiresAt && credentials.refreshTokenExpiresAt.getTime() <= cfg.now()) {
        throw new ChannelError("auth_revoked", "Shopee refresh token has expired (30 days); authorize again");
      }
      try {
        const res = (await shopeeCall(cfg, shopeeBase(account), {
          operation: "auth.access_token.get",
          method: "POST",
          path: "/api/v2/auth/access_token/get",
          body: { refresh_token: credentials.refreshToken, partner_id: cfg.partnerId, shop_id: shopIdOf(account) },
        })) as TokenAnswer;
        return credentialsFrom(res);
      } catch (e) {
        if (e instanceof ChannelError && e.kind === "invalid_request" && REAUTHORIZE.has(e.opts.platformCode ?? "")) {
          throw new ChannelError("auth_revoked", e.message, e.opts);
        }
        throw e;
      }
    },

    async verify({ account, credentials }) {
      const res = await shopCall<{ shop_name?: string }>(cfg, account, credentials, {
        operation: "shop.get_shop_info",
        method: "GET",
        path: "/api/v2/shop/get_shop_info",
      });
      const name = (res.shop_name as string | undefined) ?? res.response?.shop_name ?? null;
      return { shopName: name };
    },

    /**
     * One page of orders updated in [from, to): get_order_list by update_time in ≤15-day slices (the
     * cursor remembers the slice and Shopee's own cursor), then get_order_detail in batches of 50.
     */
    async listOrders({ account, credentials, from, to, cursor }): Promise<OrdersPage> {
      const state = cursor ? decodeCursor(cursor) : { w: from.getTime(), c: "" };
      if (!state) throw new ChannelError("invalid_request", "Unreadable Shopee cursor");
      const sliceEnd = Math.min(state.w + SHOPEE_MAX_WINDOW_MS, to.getTime());
      const { timeFrom, timeTo } = toShopeeSeconds(state.w, sliceEnd);
      let more = false;
      let next = "";
      let orders: NormalizedOrder[] = [];
      if (timeTo >= timeFrom) {
        const list = await shopCall<{ more?: boolean; next_cursor?: string; order_list?: { order_sn: string }[] }>(cfg, account, credentials, {
          operation: "order.get_order_list",
          method: "GET",
          path: "/api/v2/order/get_order_list",
          query: {
            time_range_field: "update_time",
            time_from: timeFrom,
            time_to: timeTo,
            page_size: Math.min(100, Math.max(1, cfg.pageSize)),
            cursor: state.c || undefined,
            response_optional_fields: "order_status",
          },
        });
        const sns = (list.response?.order_list ?? []).map((o) => o.order_sn);
        orders = (await details(account, credentials, sns)).map(normalizeShopeeOrder);
        more = Boolean(list.response?.more);
        next = list.response?.next_cursor ?? "";
      }
      let nextCursor: string | null = null;
      if (more && next) nextCursor = encodeCursor({ w: state.w, c: next });
      else if (sliceEnd < to.getTime()) nextCursor = encodeCursor({ w: sliceEnd, c: "" });
      return { orders, nextCursor };
    },

    /**
     * Arrange shipment with our carrier's tracking number. The order's packages are read fresh (a seller
     * may split the order after we pulled it): an unsplit order ships without package_number (Shopee
     * refuses one); a split order ships each package that holds a shipped line (every package when the
     * shipment names no lines), one ship_order per package_number. Per package: get_shipping_parameter
     * says what the channel needs, then ship_order. Idempotent: when Shopee says the package/order was
     * arranged already, the tracking number on it decides whether that was us.
     */
    async pushShipment({ account, credentials, order, shipment }) {
      const sn = order.platformOrderId;
      const [detail] = await details(account, credentials, [sn]);
      if (!detail) throw new ChannelError("invalid_request", `Shopee has no order ${sn} in this shop`);
      const packages = detail.package_list ?? [];
      if (packages.length <= 1) {
        const tracking = await shipPackage(account, credentials, sn, null, shipment.trackingNumber);
        return { remoteId: tracking || null };
      }
      const shipped = new Set(shipment.lines.map((l) => l.platformLineId.split("#")[0]!));
      const targets = shipped.size === 0 ? packages : packages.filter((p) => (p.item_list ?? []).some((i) => shipped.has(`${i.item_id}:${i.model_id}`)));
      if (targets.length === 0) throw new ChannelError("invalid_request", `None of the shipped lines is in a package of Shopee order ${sn}`);
      const numbers: string[] = [];
      for (const p of targets) numbers.push(await shipPackage(account, credentials, sn, p.package_number, shipment.trackingNumber));
      return { remoteId: [...new Set(numbers.filter(Boolean))].join(",") || null };
    },

    async pushStock({ account, credentials, listing, quantity }) {
      if (!Number.isInteger(quantity) || quantity < 0) throw new ChannelError("invalid_request", `Stock must be a whole number ≥ 0, got ${quantity}`);
      const { itemId, modelId } = await listingIds(account, credentials, listing);
      const res = await shopCall<{ failure_list?: { model_id: number; failed_reason: string }[] }>(cfg, account, credentials, {
        operation: "product.update_stock",
        method: "POST",
        path: "/api/v2/product/update_stock",
        body: { item_id: itemId, stock_list: [{ model_id: modelId, seller_stock: [{ stock: quantity }] }] },
      });
      const failed = res.response?.failure_list?.[0];
      if (failed) throw new ChannelError("invalid_request", `Shopee refused the stock of ${listing.platformSku}: ${failed.failed_reason}`);
    },

    /**
     * Released escrows in [from, to) (≤15-day slices, page_no paging), each with its income breakdown
     * (get_escrow_detail, one call per order) in the order's currency (get_order_detail, ≤50 per call).
     * See settlements.ts for what was verified of these APIs.
     */
    async listSettlements({ account, credentials, from, to, cursor }) {
      const state = cursor ? decodeEscrowCursor(cursor) : { w: from.getTime(), p: 1 };
      if (!state) throw new ChannelError("invalid_request", "Unreadable Shopee settlement cursor");
      const sliceEnd = Math.min(state.w + SHOPEE_MAX_WINDOW_MS, to.getTime());
      const { timeFrom, timeTo } = toShopeeSeconds(state.w, sliceEnd);
      let more = false;
      const settlements = [];
      if (timeTo >= timeFrom) {
        const list = await shopCall<{ escrow_list?: ShopeeEscrowItem[]; orders?: ShopeeEscrowItem[]; more?: boolean }>(cfg, account, credentials, {
          operation: "payment.get_escrow_list",
          method: "GET",
          path: "/api/v2/payment/get_escrow_list",
          query: { release_time_from: timeFrom, release_time_to: timeTo, page_size: Math.min(100, Math.max(1, cfg.pageSize)), page_no: state.p },
        });
        const items = list.response?.escrow_list ?? list.response?.orders ?? [];
        more = Boolean(list.response?.more);
        const sns = items.map((i) => i.order_sn ?? i.ordersn ?? "").filter(Boolean);
        const currencyOf = new Map((await details(account, credentials, sns)).map((o) => [o.order_sn, o.currency ?? ""]));
        for (const item of items) {
          const sn = item.order_sn ?? item.ordersn ?? "";
          if (!sn) continue;
          const detail = await shopCall<{ order_sn: string; order_income?: ShopeeOrderIncome }>(cfg, account, credentials, {
            operation: "payment.get_escrow_detail",
            method: "GET",
            path: "/api/v2/payment/get_escrow_detail",
            query: { order_sn: sn },
          });
          settlements.push(escrowSettlement(item, currencyOf.get(sn) ?? "", detail.response?.order_income ?? {}));
        }
      }
      let nextCursor: string | null = null;
      if (more) nextCursor = encodeEscrowCursor({ w: state.w, p: state.p + 1 });
      else if (sliceEnd < to.getTime()) nextCursor = encodeEscrowCursor({ w: sliceEnd, p: 1 });
      return { settlements, nextCursor };
    },

    verifyWebhook({ headers, rawBody }) {
      return verifyShopeePush({ headers, rawBody, partnerKey: cfg.partnerKey, callbackUrl: cfg.pushCallbackUrl });
    },
  };
  return connector;
}
