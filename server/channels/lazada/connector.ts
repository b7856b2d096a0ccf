import { createHash } from "node:crypto";
import { verifyIopPushSignature } from "../iop/sign";
import { ChannelError, type ChannelAccountRef, type ChannelConnector, type ChannelCredentials, type NormalizedOrder, type WebhookDelivery } from "../types";
import { lazadaCall, type LazadaCall, type LazadaEnvelope } from "./client";
import {
  apiBaseForVenture,
  isVenture,
  LAZADA_VENTURES,
  lazadaAppConfigFromEnv,
  lazadaHosts,
  sellerIdOf,
  ventureOf,
  type LazadaAppConfig,
  type LazadaVenture,
} from "./config";
import { lazadaIso, lineItemIds, normalizeLazadaOrder, type LazadaOrder, type LazadaOrderItem } from "./orders";

/*
 * Lazada Open Platform connector (marketplace-apis.md §4; API reference pages of open.lazada.com as
 * stored in lazykern/ecommerce-api-docs data/raw/lazada/apis: system-api generateaccesstoken /
 * refreshaccesstoken, seller-api getseller, order-api getorders / getmultipleorderitems,
 * fulfillment-api getshipmentprovider / pack / readytoship / printawb, product-api updatesellablequantity;
 * guides "Signature algorithm", "Push mechanism", trade-order notification).
 * - Authorization: consent page on auth.lazada.com, `code` (single use, 30 min) → /auth/token/create on
 *   the auth host. A cross-border seller's one authorization covers every venture it sells in
 *   (`country_user_info`): this account takes its own venture's seller_id, and the service makes one
 *   account per other venture, all sharing the token pair (refreshed together).
 * - Orders: /orders/get by update_after / update_before (ISO 8601, both inclusive), sorted by updated_at
 *   ascending, offset paging with limit ≤ 100; items from /orders/items/get, ≤ 50 order ids per call.
 *   An item is one unit: items of one SKU at one price are one line whose id lists their order_item_ids.
 * - Ship-back (the fulfilment flow of 2022): Lazada's logistics (TFS / NTFS 3PL) assigns carrier and
 *   tracking number on /order/fulfill/pack; /order/package/rts hands the package over; the AWB label
 *   comes from /order/package/document/get. Our own carrier's number is not sent: Lazada has no field for
 *   it outside delivered-by-seller flows. Idempotent: items already packed are not packed again, packages
 *   already ready_to_ship are not handed over again.
 * - Stock: /product/stock/sellable/update with its XML payload (SellerSku, SkuId when known).
 * - Pushes: `Authorization = HEX(HMAC-SHA256(app_secret, app_key + raw body))`; the platform retries 12
 *   times every 30 minutes with the same body, so the body's hash is the dedupe key.
 * Could not be verified (no source in the stored docs): the HTTP status of each error, the throttle
 * window after E901 (1 s assumed), whether /product/stock/sellable/update accepts SellerSku without
 * ItemId, and whether an old refresh token stays valid after a refresh (we assume not and keep the
 * accounts of one authorization on one pair).
 */

const REFRESH_MARGIN_S = 30 * 60;

type TokenAnswer = LazadaEnvelope & {
  access_token?: string;
  refresh_token?: string;
  expires_in?: number | string;
  refresh_expires_in?: number | string;
  country?: string;
  account?: string;
  country_user_info?: { country: string; seller_id: string; user_id?: string; short_code?: string }[];
  country_user_info_list?: { country: string; seller_id: string; user_id?: string; short_code?: string }[];
};

type PackResult = { pack_order_list?: { order_id: number | string; order_item_list?: { order_item_id: number | string; item_err_code: string; msg?: string; tracking_number?: string; package_id?: string }[] }[] };
type RtsResult = { packages?: { package_id: string; item_err_code: string; msg?: string }[] };
type ProvidersResult = { platform_default?: number; shipment_providers?: { name?: string; provider_code: string }[]; shipping_allocate_type?: string };

const PACKABLE = new Set(["pending", "repacked"]);
const DONE = new Set(["canceled", "cancelled", "returned", "delivered", "shipped", "ready_to_ship", "failed", "lost"]);

export function createLazadaConnector(config: LazadaAppConfig = lazadaAppConfigFromEnv()): ChannelConnector {
  const cfg = { now: Date.now, ...config };
  const pageSize = Math.min(100, Math.max(1, config.pageSize ?? 100));
  const call = <T>(c: LazadaCall) => lazadaCall<T>(cfg, c);
  const shopCall = <T>(account: ChannelAccountRef, credentials: ChannelCredentials, c: Omit<LazadaCall, "base" | "accessToken">) => {
    if (credentials.accessTokenExpiresAt && credentials.accessTokenExpiresAt.getTime() <= cfg.now()) {
      throw new ChannelError("auth_expired", "Lazada access token has expired", { platformCode: "IllegalAccessToken" });
    }
    return call<T>({ ...c, base: lazadaHosts(account).api, accessToken: credentials.accessToken });
  };

  function credentialsFrom(t: TokenAnswer): ChannelCredentials {
    if (!t.access_token || !t.refresh_token) throw new ChannelError("upstream", "Lazada returned no token");
    const now = cfg.now();
    return {
      accessToken: t.access_token,
      accessTokenExpiresAt: new Date(now + Number(t.expires_in ?? 7 * 86_400) * 1000),
      refreshToken: t.refresh_token,
      refreshTokenExpiresAt: new Date(now + Number(t.refresh_expires_in ?? 30 * 86_400) * 1000),
    };
  }

  async function items(account: ChannelAccountRef, credentials: ChannelCredentials, orderIds: string[]): Promise<Map<string, LazadaOrderItem[]>> {
    const out = new Map<string, LazadaOrderItem[]>();
    for (let i = 0; i < orderIds.length; i += 50) {
      const res = await shopCall<{ order_id: number | string; order_items: LazadaOrderItem[] }[]>(account, credentials, {
        operation: "orders.items.get",
        method: "GET",
        path: "/orders/items/get",
        params: { order_ids: `[${orderIds.slice(i, i + 50).join(",")}]` },
      });
      for (const o of res.data ?? []) out.set(String(o.order_id), o.order_items ?? []);
    }
    return out;
  }

  async function orderItems(account: ChannelAccountRef, credentials: ChannelCredentials, orderId: string) {
    const list = (await items(account, credentials, [orderId])).get(orderId);
    if (!list) throw new ChannelError("invalid_request", `Lazada has no order ${orderId} for this seller`, { platformCode: "E039" });
    return list;
  }

  async function pack(account: ChannelAccountRef, credentials: ChannelCredentials, orderId: string, itemIds: string[]) {
    const providers = await shopCall<ProvidersResult>(account, credentials, {
      operation: "order.shipment.providers.get",
      method: "POST",
      path: "/order/shipment/providers/get",
      params: { getShipmentProvidersReq: JSON.stringify({ orders: [{ order_id: Number(orderId), order_item_ids: itemIds.map(Number) }] }) },
    });
    const p = providers.result?.data ?? providers.data ?? {};
    const packReq: Record<string, unknown> = {
      pack_order_list: [{ order_id: Number(orderId), order_item_list: itemIds.map(Number) }],
      delivery_type: "dropship",
      shipping_allocate_type: p.shipping_allocate_type ?? String(account.settings.shippingAllocateType ?? "TFS"),
    };
    // Cross-border (NTFS) sellers must name the transfer warehouse when the platform has no default.
    if (p.platform_default === 0) {
      const code = String(account.settings.shipmentProviderCode ?? p.shipment_providers?.[0]?.provider_code ?? "");
      if (!code) throw new ChannelError("invalid_request", `Lazada offers no shipment provider for order ${orderId}`);
      packReq.shipment_provider_code = code;
    }
    const res = await shopCall<PackResult>(account, credentials, { operation: "order.fulfill.pack", method: "POST", path: "/order/fulfill/pack", params: { packReq: JSON.stringify(packReq) } });
    const list = (res.result?.data ?? res.data)?.pack_order_list?.[0]?.order_item_list ?? [];
    const failed = list.find((i) => i.item_err_code !== "0");
    // "current package status not allow to operation" / "item current status not allow to pack": packed before (by us or the seller) — the fresh read decides.
    if (failed && failed.item_err_code !== "700000" && failed.item_err_code !== "700026") {
      throw new ChannelError("invalid_request", `Lazada could not pack item ${failed.order_item_id} of order ${orderId}: ${failed.item_err_code} ${failed.msg ?? ""}`.trim(), { platformCode: failed.item_err_code });
    }
  }

  async function readyToShip(account: ChannelAccountRef, credentials: ChannelCredentials, packageIds: string[]) {
    const res = await shopCall<RtsResult>(account, credentials, {
      operation: "order.package.rts",
      method: "POST",
      path: "/order/package/rts",
      params: { readyToShipReq: JSON.stringify({ packages: packageIds.map((package_id) => ({ package_id })) }) },
    });
    const failed = (res.result?.data ?? res.data)?.packages?.find((x) => x.item_err_code !== "0");
    if (failed && failed.item_err_code !== "700000") {
      throw new ChannelError("invalid_request", `Lazada could not hand over package ${failed.package_id}: ${failed.item_err_code} ${failed.msg ?? ""}`.trim(), { platformCode: failed.item_err_code });
    }
  }

  /** Pack the named items of an order (all live ones when none is named) that are not packed yet; the order's items as they are after. */
  async function packNamed(account: ChannelAccountRef, credentials: ChannelCredentials, orderId: string, lines: { platformLineId: string }[]) {
    let list = await orderItems(account, credentials, orderId);
    const named = new Set(lines.flatMap((l) => lineItemIds(l.platformLineId)));
    const isTarget = (i: LazadaOrderItem) => (named.size === 0 ? !["canceled", "cancelled"].includes(i.status) : named.has(String(i.order_item_id)));
    if (!list.some(isTarget)) throw new ChannelError("invalid_request", `None of the shipped lines is an item of Lazada order ${orderId}`);
    const toPack = list.filter((i) => isTarget(i) && PACKABLE.has(i.status) && !i.package_id);
    if (toPack.length) {
      await pack(account, credentials, orderId, toPack.map((i) => String(i.order_item_id)));
      list = await orderItems(account, credentials, orderId);
    }
    const stuck = list.find((i) => isTarget(i) && !i.package_id && !DONE.has(i.status));
    if (stuck) throw new ChannelError("invalid_request", `Lazada item ${stuck.order_item_id} of order ${orderId} is ${stuck.status} and has no package`);
    return { list, isTarget, items: list.filter(isTarget) };
  }

  const xml = (s: string) => s.replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]!);

  const connector: ChannelConnector = {
    platform: "lazada",
    maxWindowMs: null,

    authorizeUrl({ account, state, redirectUri }) {
      const url = new URL(lazadaHosts(account).authorize);
      url.searchParams.set("response_type", "code");
      url.searchParams.set("force_auth", "true");
      url.searchParams.set("redirect_uri", redirectUri);
      url.searchParams.set("client_id", cfg.appKey);
      url.searchParams.set("state", state);
      return url.toString();
    },

    async completeAuthorization({ account, query }) {
      const code = query.get("code");
      if (!code) throw new ChannelError("invalid_request", "Lazada callback has no code");
      const t = (await call({ operation: "auth.token.create", method: "POST", base: lazadaHosts(account).auth, path: "/auth/token/create", params: { code } })) as TokenAnswer;
      const credentials = credentialsFrom(t);
      const shops = (t.country_user_info ?? t.country_user_info_list ?? []).filter((s) => isVenture(s.country?.toLowerCase()));
      if (shops.length === 0) throw new ChannelError("invalid_request", "Lazada authorization names no seller (country_user_info is empty)");
      const wanted = ventureOf(account);
      // A one-country seller authorized on an account set to another venture: the account follows the seller.
      const mine = shops.find((s) => s.country.toLowerCase() === wanted) ?? (shops.length === 1 ? shops[0]! : null);
      if (!mine) {
        throw new ChannelError("invalid_request", `This Lazada authorization has no ${wanted.toUpperCase()} shop (it covers ${shops.map((s) => s.country.toUpperCase()).join(", ")})`);
      }
      const venture = mine.country.toLowerCase() as LazadaVenture;
      const group = createHash("sha256").update(`${t.account ?? ""}:${shops.map((s) => s.seller_id).sort().join(",")}`).digest("hex").slice(0, 16);
      const settings = { ...account.settings, venture, authGroup: group, shortCode: mine.short_code ?? "" };
      const baseUrl = apiBaseForVenture(account, venture);
      const me = { ...account, externalShopId: mine.seller_id, settings, baseUrl };
      const { shopName } = await connector.verify({ account: me, credentials });
      return {
        externalShopId: mine.seller_id,
        shopName,
        credentials,
        settings,
        baseUrl,
        otherShops: shops
          .filter((s) => s !== mine)
          .map((s) => {
            const v = s.country.toLowerCase() as LazadaVenture;
            return { externalShopId: s.seller_id, label: LAZADA_VENTURES[v].country, settings: { ...account.settings, venture: v, authGroup: group, shortCode: s.short_code ?? "" }, baseUrl: apiBaseForVenture(account, v) };
          }),
      };
    },

    async refreshCredentials({ account, credentials }) {
      if (!credentials.refreshToken) throw new ChannelError("auth_revoked", "No Lazada refresh token stored; authorize again");
      if (credentials.refreshTokenExpiresAt && credentials.refreshTokenExpiresAt.getTime() <= cfg.now() + REFRESH_MARGIN_S * 1000) {
        throw new ChannelError("auth_revoked", "Lazada refresh token has expired; authorize again");
      }
      const t = (await call({ operation: "auth.token.refresh", method: "POST", base: lazadaHosts(account).auth, path: "/auth/token/refresh", params: { refresh_token: credentials.refreshToken } })) as TokenAnswer;
      return credentialsFrom(t);
    },

    async verify({ account, credentials }) {
      const res = await shopCall<{ name?: string; seller_id?: number | string }>(account, credentials, { operation: "seller.get", method: "GET", path: "/seller/get" });
      return { shopName: res.data?.name ?? null };
    },

    async listOrders({ account, credentials, from, to, cursor }) {
      const offset = cursor ? Number(cursor) : 0;
      if (!Number.isInteger(offset) || offset < 0) throw new ChannelError("invalid_request", "Unreadable Lazada cursor");
      sellerIdOf(account);
      const res = await shopCall<{ count?: number; countTotal?: number; orders?: LazadaOrder[] }>(account, credentials, {
        operation: "orders.get",
        method: "GET",
        path: "/orders/get",
        params: { update_after: lazadaIso(from), update_before: lazadaIso(new Date(to.getTime() - 1000)), sort_by: "updated_at", sort_direction: "ASC", offset, limit: pageSize },
      });
      const list = res.data?.orders ?? [];
      const byOrder = await items(account, credentials, list.map((o) => String(o.order_id)));
      const venture = ventureOf(account);
      const orders: NormalizedOrder[] = list.map((o) => normalizeLazadaOrder({ ...o, venture, items: byOrder.get(String(o.order_id)) ?? [] }));
      const total = Number(res.data?.countTotal ?? res.data?.count ?? NaN);
      const more = Number.isFinite(total) ? offset + list.length < total : list.length === pageSize;
      return { orders, nextCursor: more && list.length > 0 ? String(offset + list.length) : null };
    },

    async arrangeShipment({ account, credentials, order, lines }) {
      const { items: booked } = await packNamed(account, credentials, order.platformOrderId, lines);
      const tracking = [...new Set(booked.map((i) => i.tracking_code).filter((x): x is string => Boolean(x)))];
      const carrier = [...new Set(booked.map((i) => i.shipment_provider).filter((x): x is string => Boolean(x)))];
      if (tracking.length === 0) throw new ChannelError("upstream", `Lazada assigned no tracking number to order ${order.platformOrderId}`);
      return { carrier: carrier.join(",") || "Lazada", trackingNumber: tracking.join(",") };
    },

    async pushShipment({ account, credentials, order, shipment }) {
      const orderId = order.platformOrderId;
      const packed = await packNamed(account, credentials, orderId, shipment.lines);
      let list = packed.list;
      const targets = () => list.filter(packed.isTarget);
      const toHandOver = [...new Set(targets().filter((i) => i.status === "packed" && i.package_id).map((i) => i.package_id!))];
      if (toHandOver.length) {
        for (let i = 0; i < toHandOver.length; i += 20) await readyToShip(account, credentials, toHandOver.slice(i, i + 20));
        list = await orderItems(account, credentials, orderId);
      }
      const tracking = [...new Set(targets().map((i) => i.tracking_code).filter((x): x is string => Boolean(x)))];
      return { remoteId: tracking.join(",") || null };
    },

    async pushStock({ account, credentials, listing, quantity }) {
      if (!Number.isInteger(quantity) || quantity < 0) throw new ChannelError("invalid_request", `Stock must be a whole number ≥ 0, got ${quantity}`);
      const skuId = listing.externalListingId && /^\d+$/.test(listing.externalListingId) ? `<SkuId>${listing.externalListingId}</SkuId>` : "";
      const payload = `<Request><Product><Skus><Sku>${skuId}<SellerSku>${xml(listing.platformSku)}</SellerSku><SellableQuantity>${quantity}</SellableQuantity></Sku></Skus></Product></Request>`;
      await shopCall(account, credentials, { operation: "product.stock.sellable.update", method: "POST", path: "/product/stock/sellable/update", params: { payload } });
    },

    async shippingLabel({ account, credentials, order }) {
      const list = await orderItems(account, credentials, order.platformOrderId);
      const packages = [...new Set(list.map((i) => i.package_id).filter((x): x is string => Boolean(x)))];
      if (packages.length === 0) throw new ChannelError("invalid_request", `Lazada order ${order.platformOrderId} has no package yet: ship it (pack) first`);
      const res = await shopCall<{ file?: string; doc_type?: string; pdf_url?: string }>(account, credentials, {
        operation: "order.package.document.get",
        method: "POST",
        path: "/order/package/document/get",
        params: { getDocumentReq: JSON.stringify({ doc_type: "PDF", packages: packages.slice(0, 20).map((package_id) => ({ package_id })) }) },
      });
      const file = (res.result?.data ?? res.data)?.file;
      if (!file) throw new ChannelError("upstream", `Lazada returned no label for order ${order.platformOrderId}`);
      return { fileName: `lazada-awb-${order.platformOrderId}.pdf`, data: Buffer.from(file, "base64") };
    },

    verifyWebhook({ headers, rawBody }): WebhookDelivery {
      if (!verifyIopPushSignature({ appKey: cfg.appKey, appSecret: cfg.appSecret, rawBody, authorization: headers.get("authorization") })) {
        throw new ChannelError("signature", "Lazada push signature does not match");
      }
      let body: { seller_id?: string | number; message_type?: number; data?: Record<string, unknown>; timestamp?: number };
      try {
        body = JSON.parse(rawBody) as typeof body;
      } catch {
        throw new ChannelError("invalid_request", "Lazada push body is not JSON");
      }
      if (typeof body.message_type !== "number") throw new ChannelError("invalid_request", "Lazada push has no message_type");
      return {
        shopId: body.seller_id !== undefined ? String(body.seller_id) : "",
        webhookId: createHash("sha256").update(rawBody).digest("hex"),
        topic: LAZADA_PUSH_TOPICS[body.message_type] ?? `message_${body.message_type}`,
        payload: body,
        // The trade-order push's timestamp is in milliseconds (the guide's comment says seconds; its example is ms).
        triggeredAt: typeof body.timestamp === "number" ? new Date(body.timestamp > 1e12 ? body.timestamp : body.timestamp * 1000) : null,
      };
    },
  };
  return connector;
}

/** Push message types (`msg_type` of each webhook API page of the guide "Push mechanism"). */
const LAZADA_PUSH_TOPICS: Record<number, string> = {
  0: "trade_order",
  1: "product_quality_control",
  2: "im_send_message",
  3: "product_update",
  6: "shallow_stock",
  7: "short_video_state",
  8: "token_expiration_alert",
  10: "reverse_order",
  11: "promotion",
  12: "product_category_update",
  13: "seller_status_update",
  14: "fulfillment_order_update",
  19: "im_session_update",
  21: "product_review",
};
