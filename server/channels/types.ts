/**
 * The one interface every marketplace connector implements (server/channels/<platform>/). Connectors
 * translate between a platform's protocol and these shapes; the channels service decides what to do.
 * Connectors never touch the database; tokens come in and refreshed tokens go out.
 */

import type { SettlementLineType, SettlementStatus } from "@/lib/finance/kinds";

export const PLATFORMS = ["shopify", "amazon", "shopee", "lazada"] as const;
export type PlatformCode = (typeof PLATFORMS)[number];

/** Decrypted credentials of one authorized shop. */
export type ChannelCredentials = {
  accessToken: string;
  accessTokenExpiresAt: Date | null;
  refreshToken: string | null;
  refreshTokenExpiresAt: Date | null;
};

/** What a connector needs to know about the shop it talks to (no secrets). */
export type ChannelAccountRef = {
  id: string;
  orgId: string;
  platform: PlatformCode;
  /** Platform's id of the shop/seller: Shopify shop domain, Amazon selling_partner_id, Shopee shop_id. */
  externalShopId: string | null;
  /** Platform-specific settings: marketplace ids, region, location id… */
  settings: Record<string, unknown>;
  /** API base URL; points at a local simulator in tests and in the demo. */
  baseUrl: string;
};

/** Platform order status mapped to 001's lifecycle. */
export type NormalizedOrderStatus = "pending" | "unshipped" | "shipped" | "completed" | "cancelled";

type NormalizedOrderLine = {
  platformLineId: string;
  platformSku: string;
  title: string;
  quantity: string;
  unitPrice: string;
  /** The listing's platform id when the order names it (Shopify inventory item), for stock push. */
  externalListingId?: string | null;
};

export type NormalizedOrder = {
  platformOrderId: string;
  /** The number a merchant sees on the platform (e.g. Shopify "#1001"); may equal the id. */
  platformOrderNo: string;
  platformStatus: string;
  status: NormalizedOrderStatus;
  createdAt: Date;
  updatedAt: Date;
  currency: string;
  totalAmount: string;
  buyerName: string;
  buyerEmail: string | null;
  shipping: {
    name: string;
    phone: string;
    country: string;
    province: string;
    city: string;
    district: string;
    street: string;
    postcode: string;
  };
  shippingMethod: string;
  remark: string;
  lines: NormalizedOrderLine[];
  raw: unknown;
};

export type OrdersPage = { orders: NormalizedOrder[]; nextCursor: string | null };

/** One line of a payout as the platform reports it, signed as credited to the seller. */
export type NormalizedSettlementLine = {
  /** The platform's id of the line, or one built only from the platform's ids (stable across pulls). */
  externalLineId: string;
  /** The platform order it belongs to ("" when none). */
  platformOrderId: string;
  type: SettlementLineType;
  /** The platform's own name for it (ChargeType/FeeType, escrow field, balance transaction type). */
  platformType: string;
  currency: string;
  amount: string;
  postedAt: Date | null;
  description: string;
};

/** A payout (Amazon financial event group, Shopify Payments payout, Shopee escrow release) with its lines. */
export type NormalizedSettlement = {
  externalId: string;
  settledAt: Date;
  currency: string;
  /** What the platform says it paid out (null while open / not reported). */
  receivedAmount: string | null;
  status: SettlementStatus;
  platformStatus: string;
  lines: NormalizedSettlementLine[];
};

export type SettlementsPage = { settlements: NormalizedSettlement[]; nextCursor: string | null };

/** Errors a connector raises; the channels service retries, refreshes or gives up on their kind. */
export class ChannelError extends Error {
  constructor(
    readonly kind: "rate_limited" | "auth_expired" | "auth_revoked" | "invalid_request" | "upstream" | "signature",
    message: string,
    readonly opts: { retryAfterMs?: number; status?: number; platformCode?: string } = {},
  ) {
    super(message);
    this.name = "ChannelError";
  }
}

/** A verified webhook delivery (platforms that push; Amazon has none). */
export type WebhookDelivery = {
  /** Matches ChannelAccountRef.externalShopId. */
  shopId: string;
  /** The platform's delivery/event id: the dedupe key. */
  webhookId: string;
  topic: string;
  payload: unknown;
  triggeredAt: Date | null;
};

export interface ChannelConnector {
  readonly platform: PlatformCode;
  /** Longest time window one order-list query may span (Shopee: 15 days). */
  readonly maxWindowMs: number | null;

  /** URL that starts the platform's authorization; `state` is ours, bound to user and merchant. */
  authorizeUrl(args: { account: ChannelAccountRef; state: string; redirectUri: string }): string;
  /** Verify the callback (signature where the platform has one) and exchange the code for tokens. */
  completeAuthorization(args: {
    account: ChannelAccountRef;
    query: URLSearchParams;
    redirectUri: string;
  }): Promise<{
    externalShopId: string;
    shopName: string | null;
    credentials: ChannelCredentials;
    /** Settings / API base the authorization decided (Lazada: the venture the seller turned out to be in). */
    settings?: Record<string, unknown>;
    baseUrl?: string;
    /**
     * Further shops the same authorization covers (a Lazada cross-border seller's other ventures): the
     * service makes one account for each (alias + label), sharing this token pair.
     */
    otherShops?: { externalShopId: string; label: string; settings: Record<string, unknown>; baseUrl: string }[];
  }>;
  refreshCredentials(args: { account: ChannelAccountRef; credentials: ChannelCredentials }): Promise<ChannelCredentials>;
  /** A cheap authenticated call: "验证成功" or the platform's error. */
  verify(args: { account: ChannelAccountRef; credentials: ChannelCredentials }): Promise<{ shopName: string | null }>;
  /** One page of orders changed in [from, to) (the service walks pages and windows). */
  listOrders(args: {
    account: ChannelAccountRef;
    credentials: ChannelCredentials;
    from: Date;
    to: Date;
    cursor: string | null;
  }): Promise<OrdersPage>;
  /** Push carrier + tracking of a shipment; idempotent per (order, tracking number). */
  pushShipment(args: {
    account: ChannelAccountRef;
    credentials: ChannelCredentials;
    order: { platformOrderId: string; raw: unknown };
    shipment: { carrier: string; trackingNumber: string; lines: { platformLineId: string; quantity: string }[] };
  }): Promise<{ remoteId: string | null }>;
  /** Set a listing's available quantity. */
  pushStock(args: {
    account: ChannelAccountRef;
    credentials: ChannelCredentials;
    listing: { platformSku: string; externalListingId: string | null };
    quantity: number;
  }): Promise<void>;
  /**
   * Optional: one page of the payouts settled (or opened) in [from, to), each with all its lines (the
   * settlement pull walks pages; a payout may come again on a later pull and is upserted).
   */
  listSettlements?(args: {
    account: ChannelAccountRef;
    credentials: ChannelCredentials;
    from: Date;
    to: Date;
    cursor: string | null;
  }): Promise<SettlementsPage>;
  /**
   * Optional, platforms whose logistics ship the order (Lazada): book the shipment with the platform's
   * carrier before the parcel leaves — the platform assigns carrier and tracking number (物流面单).
   * Idempotent: booked lines are not booked again. `pushShipment` later hands the parcel over.
   */
  arrangeShipment?(args: {
    account: ChannelAccountRef;
    credentials: ChannelCredentials;
    order: { platformOrderId: string; raw: unknown };
    lines: { platformLineId: string; quantity: string }[];
  }): Promise<{ carrier: string; trackingNumber: string }>;
  /** Optional: the platform's shipping label (AWB) of an order its logistics ship (Lazada). */
  shippingLabel?(args: { account: ChannelAccountRef; credentials: ChannelCredentials; order: { platformOrderId: string; raw: unknown } }): Promise<{ fileName: string; data: Buffer }>;
  /** Optional: after authorization, e.g. subscribe the shop's webhooks to `${appUrl}/api/webhooks/<platform>`. */
  afterAuthorization?(args: { account: ChannelAccountRef; credentials: ChannelCredentials; appUrl: string }): Promise<void>;
  /** Optional: verify a webhook's signature on the raw body (throw ChannelError "signature") and read it. */
  verifyWebhook?(args: { headers: Headers; rawBody: string }): WebhookDelivery;
  /** The same, for a platform whose official SDK validates asynchronously (Shopify's); a connector has one of the two. */
  verifyWebhookAsync?(args: { headers: Headers; rawBody: string }): Promise<WebhookDelivery>;
}
