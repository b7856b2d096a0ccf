import { createHmac, timingSafeEqual } from "node:crypto";
import { channelFetch } from "../http";
import {
  ChannelError,
  type ChannelAccountRef,
  type ChannelConnector,
  type ChannelCredentials,
  type NormalizedOrder,
  type NormalizedOrderStatus,
  type WebhookDelivery,
} from "../types";
import { shopifyGraphql } from "./graphql";

/**
 * Shopify (Admin GraphQL). Written against the platform's documented protocol rather than
 * `@shopify/shopify-api`: that library builds `https://{shop}` URLs itself and needs its own runtime
 * adapter and session storage, while we must point a shop at a local simulator and keep tokens in our
 * own encrypted columns. What we use of it is small: the callback HMAC, the webhook HMAC, the token
 * endpoint and five GraphQL documents — each below, each exercised by the simulator tests.
 */

export const SHOPIFY_SCOPES = [
  "read_orders",
  "write_orders",
  "read_merchant_managed_fulfillment_orders",
  "write_merchant_managed_fulfillment_orders",
  "read_inventory",
  "write_inventory",
];

/** App credentials: from the environment; development defaults match the local simulator. */
export function shopifyApp() {
  return {
    clientId: process.env.SHOPIFY_API_KEY ?? "manifold-dev-shopify-client",
    clientSecret: process.env.SHOPIFY_API_SECRET ?? "manifold-dev-shopify-secret",
  };
}

/** Page size of order pulls: Shopify's maximum (250) unless a test asks for less. */
const pageSize = (account: ChannelAccountRef) => Math.min(250, Number(account.settings.pageSize ?? 250));

export function normalizeShopDomain(input: string): string | null {
  const s = input.trim().toLowerCase().replace(/^https?:\/\//, "").replace(/\/.*$/, "");
  const name = s.endsWith(".myshopify.com") ? s.slice(0, -".myshopify.com".length) : s;
  return /^[a-z0-9][a-z0-9-]{1,60}$/.test(name) ? `${name}.myshopify.com` : null;
}

function safeEqual(a: string, b: string) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The OAuth callback's `hmac`: hex HMAC-SHA256 of the other parameters sorted by key. */
export function verifyCallbackHmac(query: URLSearchParams, secret: string): boolean {
  const hmac = query.get("hmac");
  if (!hmac) return false;
  const message = [...query.keys()]
    .filter((k) => k !== "hmac" && k !== "signature")
    .sort()
    .map((k) => `${k}=${query.get(k)}`)
    .join("&");
  return safeEqual(createHmac("sha256", secret).update(message).digest("hex"), hmac);
}

/** Webhooks: base64 HMAC-SHA256 of the raw body, compared in constant time. */
export function verifyWebhookHmac(rawBody: string, header: string | null, secret: string): boolean {
  if (!header) return false;
  return safeEqual(createHmac("sha256", secret).update(rawBody, "utf8").digest("base64"), header);
}

type TokenResponse = { access_token: string; expires_in?: number; refresh_token?: string; refresh_token_expires_in?: number; error?: string; error_description?: string };

async function tokenRequest(account: ChannelAccountRef, body: Record<string, string>): Promise<ChannelCredentials> {
  const res = await channelFetch(`${account.baseUrl}/admin/oauth/access_token`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let json: TokenResponse | null = null;
  try {
    json = JSON.parse(text) as TokenResponse;
  } catch {
    /* not JSON */
  }
  if (res.status >= 500) throw new ChannelError("upstream", `Shopify ${res.status} on token request`, { status: res.status });
  if (res.status === 429) throw new ChannelError("rate_limited", "token endpoint rate limited", { status: 429, retryAfterMs: 1000 });
  if (!res.ok || !json?.access_token) {
    const code = json?.error ?? `HTTP ${res.status}`;
    const message = `${code}: ${json?.error_description ?? text.slice(0, 200)}`;
    throw new ChannelError(code === "invalid_grant" ? "auth_expired" : "invalid_request", message, { status: res.status, platformCode: code });
  }
  const now = Date.now();
  return {
    accessToken: json.access_token,
    accessTokenExpiresAt: json.expires_in ? new Date(now + json.expires_in * 1000) : null,
    refreshToken: json.refresh_token ?? null,
    refreshTokenExpiresAt: json.refresh_token_expires_in ? new Date(now + json.refresh_token_expires_in * 1000) : null,
  };
}

const ORDERS_QUERY = /* GraphQL */ `
  query Orders($first: Int!, $after: String, $query: String) {
    orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      nodes {
        id name createdAt updatedAt cancelledAt closed
        displayFinancialStatus displayFulfillmentStatus currencyCode
        totalPriceSet { shopMoney { amount currencyCode } }
        email note
        customer { displayName }
        shippingAddress { name phone address1 address2 city province countryCodeV2 zip }
        shippingLines(first: 1) { nodes { title } }
        lineItems(first: 100) {
          nodes { id sku title quantity originalUnitPriceSet { shopMoney { amount } } variant { inventoryItem { id } } }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }`;

type ShopifyOrderNode = {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  closed: boolean;
  displayFinancialStatus: string | null;
  displayFulfillmentStatus: string;
  currencyCode: string;
  totalPriceSet: { shopMoney: { amount: string } };
  email: string | null;
  note: string | null;
  customer: { displayName: string } | null;
  shippingAddress: { name: string | null; phone: string | null; address1: string | null; address2: string | null; city: string | null; province: string | null; countryCodeV2: string | null; zip: string | null } | null;
  shippingLines: { nodes: { title: string }[] };
  lineItems: { nodes: { id: string; sku: string | null; title: string; quantity: number; originalUnitPriceSet: { shopMoney: { amount: string } }; variant: { inventoryItem: { id: string } } | null }[] };
};

/** Shopify's two status dimensions folded into 001's lifecycle. */
export function shopifyStatus(o: Pick<ShopifyOrderNode, "cancelledAt" | "closed" | "displayFinancialStatus" | "displayFulfillmentStatus">): NormalizedOrderStatus {
  if (o.cancelledAt) return "cancelled";
  const fin = o.displayFinancialStatus ?? "";
  if (fin === "VOIDED" || fin === "REFUNDED") return "cancelled";
  if (o.displayFulfillmentStatus === "FULFILLED") return o.closed ? "completed" : "shipped";
  if (fin === "PAID" || fin === "PARTIALLY_PAID" || fin === "PARTIALLY_REFUNDED") return "unshipped";
  return "pending";
}

export function normalizeShopifyOrder(o: ShopifyOrderNode): NormalizedOrder {
  const a = o.shippingAddress;
  return {
    platformOrderId: o.id,
    platformOrderNo: o.name,
    platformStatus: [o.displayFinancialStatus, o.displayFulfillmentStatus, o.cancelledAt ? "CANCELLED" : null, o.closed ? "CLOSED" : null].filter(Boolean).join("/"),
    status: shopifyStatus(o),
    createdAt: new Date(o.createdAt),
    updatedAt: new Date(o.updatedAt),
    currency: o.currencyCode,
    totalAmount: o.totalPriceSet.shopMoney.amount,
    buyerName: o.customer?.displayName ?? a?.name ?? "",
    buyerEmail: o.email,
    shipping: {
      name: a?.name ?? "",
      phone: a?.phone ?? "",
      country: a?.countryCodeV2 ?? "",
      province: a?.province ?? "",
      city: a?.city ?? "",
      district: "",
      street: [a?.address1, a?.address2].filter(Boolean).join(", "),
      postcode: a?.zip ?? "",
    },
    shippingMethod: o.shippingLines.nodes[0]?.title ?? "",
    remark: o.note ?? "",
    lines: o.lineItems.nodes.map((l) => ({
      platformLineId: l.id,
      platformSku: l.sku ?? "",
      title: l.title,
      quantity: String(l.quantity),
      unitPrice: l.originalUnitPriceSet.shopMoney.amount,
      externalListingId: l.variant?.inventoryItem.id ?? null,
    })),
    raw: o,
  };
}

const FULFILLMENT_ORDERS_QUERY = /* GraphQL */ `
  query FulfillmentOrders($id: ID!) {
    order(id: $id) {
      id
      fulfillments { id trackingInfo { number company } }
      fulfillmentOrders(first: 20) { nodes { id status lineItems(first: 100) { nodes { id remainingQuantity } } } }
    }
  }`;

const FULFILLMENT_CREATE = /* GraphQL */ `
  mutation FulfillmentCreate($fulfillment: FulfillmentInput!) {
    fulfillmentCreate(fulfillment: $fulfillment) {
      fulfillment { id status trackingInfo { number company } }
      userErrors { field message }
    }
  }`;

const SHOP_INFO = /* GraphQL */ `
  query ShopInfo {
    shop { name myshopifyDomain }
    locations(first: 1) { nodes { id } }
  }`;

const VARIANT_BY_SKU = /* GraphQL */ `
  query VariantBySku($query: String!) {
    productVariants(first: 1, query: $query) { nodes { id sku inventoryItem { id } } }
  }`;

const INVENTORY_SET = /* GraphQL */ `
  mutation InventorySet($input: InventorySetQuantitiesInput!) {
    inventorySetQuantities(input: $input) {
      inventoryAdjustmentGroup { id }
      userErrors { field message code }
    }
  }`;

const WEBHOOK_CREATE = /* GraphQL */ `
  mutation WebhookSubscriptionCreate($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) {
    webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
      webhookSubscription { id }
      userErrors { field message }
    }
  }`;

export const SHOPIFY_WEBHOOK_TOPICS = ["ORDERS_CREATE", "ORDERS_UPDATED", "ORDERS_CANCELLED", "APP_UNINSTALLED"];

export const shopifyConnector: ChannelConnector = {
  platform: "shopify",
  // Shopify's order search has no window limit; the service still walks long ranges in steps.
  maxWindowMs: null,

  authorizeUrl({ account, state, redirectUri }) {
    const u = new URL(`${account.baseUrl}/admin/oauth/authorize`);
    u.searchParams.set("client_id", shopifyApp().clientId);
    u.searchParams.set("scope", SHOPIFY_SCOPES.join(","));
    u.searchParams.set("redirect_uri", redirectUri);
    u.searchParams.set("state", state);
    return u.toString();
  },

  async completeAuthorization({ account, query }) {
    const app = shopifyApp();
    if (!verifyCallbackHmac(query, app.clientSecret)) throw new ChannelError("signature", "callback hmac does not match");
    const shop = normalizeShopDomain(query.get("shop") ?? "");
    const expected = normalizeShopDomain(String(account.settings.shopDomain ?? account.externalShopId ?? ""));
    if (!shop || (expected && shop !== expected)) throw new ChannelError("invalid_request", `callback is for shop ${query.get("shop")}, expected ${expected}`);
    const code = query.get("code");
    if (!code) throw new ChannelError("invalid_request", query.get("error_description") ?? query.get("error") ?? "no authorization code");
    const credentials = await tokenRequest(account, { client_id: app.clientId, client_secret: app.clientSecret, code, expiring: "1" });
    const info = await shopifyGraphql<{ shop: { name: string } }>({ ...account }, credentials, "ShopInfo", SHOP_INFO);
    return { externalShopId: shop, shopName: info.shop.name, credentials };
  },

  async refreshCredentials({ account, credentials }) {
    if (!credentials.refreshToken) throw new ChannelError("auth_expired", "no refresh token: re-authorize the shop");
    const app = shopifyApp();
    return tokenRequest(account, { client_id: app.clientId, client_secret: app.clientSecret, grant_type: "refresh_token", refresh_token: credentials.refreshToken });
  },

  async verify({ account, credentials }) {
    const info = await shopifyGraphql<{ shop: { name: string } }>(account, credentials, "ShopInfo", SHOP_INFO);
    return { shopName: info.shop.name };
  },

  async listOrders({ account, credentials, from, to, cursor }) {
    const query = `updated_at:>='${from.toISOString()}' AND updated_at:<'${to.toISOString()}'`;
    const data = await shopifyGraphql<{ orders: { nodes: ShopifyOrderNode[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(
      account,
      credentials,
      "Orders",
      ORDERS_QUERY,
      { first: pageSize(account), after: cursor, query },
    );
    return {
      orders: data.orders.nodes.map(normalizeShopifyOrder),
      nextCursor: data.orders.pageInfo.hasNextPage ? data.orders.pageInfo.endCursor : null,
    };
  },

  async pushShipment({ account, credentials, order, shipment }) {
    type FoData = {
      order: {
        fulfillments: { id: string; trackingInfo: { number: string | null }[] }[];
        fulfillmentOrders: { nodes: { id: string; status: string; lineItems: { nodes: { id: string; remainingQuantity: number }[] } }[] };
      } | null;
    };
    const data = await shopifyGraphql<FoData>(account, credentials, "FulfillmentOrders", FULFILLMENT_ORDERS_QUERY, { id: order.platformOrderId });
    if (!data.order) throw new ChannelError("invalid_request", `order ${order.platformOrderId} not found on Shopify`);
    // Idempotent: a fulfillment with this tracking number already exists → done (a retry after a lost reply).
    const existing = data.order.fulfillments.find((f) => f.trackingInfo.some((t) => t.number === shipment.trackingNumber));
    if (existing) return { remoteId: existing.id };
    const open = data.order.fulfillmentOrders.nodes.filter((fo) => fo.status === "OPEN" || fo.status === "IN_PROGRESS");
    if (open.length === 0) throw new ChannelError("invalid_request", "no open fulfillment order (already fulfilled or cancelled on Shopify)");
    const res = await shopifyGraphql<{ fulfillmentCreate: { fulfillment: { id: string } | null; userErrors: { message: string }[] } }>(
      account,
      credentials,
      "FulfillmentCreate",
      FULFILLMENT_CREATE,
      {
        fulfillment: {
          lineItemsByFulfillmentOrder: open.map((fo) => ({ fulfillmentOrderId: fo.id })),
          notifyCustomer: true,
          trackingInfo: { number: shipment.trackingNumber, company: shipment.carrier },
        },
      },
    );
    const err = res.fulfillmentCreate.userErrors[0];
    if (err || !res.fulfillmentCreate.fulfillment) throw new ChannelError("invalid_request", err?.message ?? "fulfillment not created");
    return { remoteId: res.fulfillmentCreate.fulfillment.id };
  },

  async pushStock({ account, credentials, listing, quantity }) {
    let inventoryItemId = listing.externalListingId;
    if (!inventoryItemId) {
      const v = await shopifyGraphql<{ productVariants: { nodes: { inventoryItem: { id: string } }[] } }>(account, credentials, "VariantBySku", VARIANT_BY_SKU, {
        query: `sku:"${listing.platformSku.replace(/"/g, "")}"`,
      });
      inventoryItemId = v.productVariants.nodes[0]?.inventoryItem.id ?? null;
      if (!inventoryItemId) throw new ChannelError("invalid_request", `no Shopify variant with SKU ${listing.platformSku}`);
    }
    let locationId = typeof account.settings.locationId === "string" ? account.settings.locationId : null;
    if (!locationId) {
      const info = await shopifyGraphql<{ locations: { nodes: { id: string }[] } }>(account, credentials, "ShopInfo", SHOP_INFO);
      locationId = info.locations.nodes[0]?.id ?? null;
      if (!locationId) throw new ChannelError("invalid_request", "the shop has no location");
    }
    const res = await shopifyGraphql<{ inventorySetQuantities: { userErrors: { message: string; code?: string }[] } }>(account, credentials, "InventorySet", INVENTORY_SET, {
      input: { name: "available", reason: "correction", ignoreCompareQuantity: true, quantities: [{ inventoryItemId, locationId, quantity }] },
    });
    const err = res.inventorySetQuantities.userErrors[0];
    if (err) throw new ChannelError("invalid_request", err.message, { platformCode: err.code });
  },

  async afterAuthorization({ account, credentials, appUrl }) {
    for (const topic of SHOPIFY_WEBHOOK_TOPICS) {
      const res = await shopifyGraphql<{ webhookSubscriptionCreate: { userErrors: { message: string }[] } }>(account, credentials, "WebhookSubscriptionCreate", WEBHOOK_CREATE, {
        topic,
        webhookSubscription: { callbackUrl: `${appUrl}/api/webhooks/shopify`, format: "JSON" },
      });
      const err = res.webhookSubscriptionCreate.userErrors[0];
      if (err) throw new ChannelError("invalid_request", `webhook ${topic}: ${err.message}`);
    }
  },

  verifyWebhook({ headers, rawBody }): WebhookDelivery {
    if (!verifyWebhookHmac(rawBody, headers.get("x-shopify-hmac-sha256"), shopifyApp().clientSecret)) {
      throw new ChannelError("signature", "webhook hmac does not match");
    }
    const shopId = normalizeShopDomain(headers.get("x-shopify-shop-domain") ?? "");
    const webhookId = headers.get("x-shopify-event-id") ?? headers.get("x-shopify-webhook-id");
    const topic = headers.get("x-shopify-topic");
    if (!shopId || !webhookId || !topic) throw new ChannelError("invalid_request", "missing webhook headers");
    let payload: unknown;
    try {
      payload = JSON.parse(rawBody);
    } catch {
      throw new ChannelError("invalid_request", "webhook body is not JSON");
    }
    const at = headers.get("x-shopify-triggered-at");
    return { shopId, webhookId, topic, payload, triggeredAt: at ? new Date(at) : null };
  },
};
