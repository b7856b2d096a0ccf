import { and, eq, inArray, or, type SQL } from "drizzle-orm";
import type { Db, DbExecutor } from "@/db";
import { orders, platformOrders } from "@/db/schema";

/**
 * Shopify's mandatory privacy webhooks (shopify.dev "Privacy law compliance"), for one account that
 * heard from the shop:
 * - `customers/redact` {customer {id, email, phone}, orders_to_redact [ids]}: the customer's personal data
 *   is erased from the platform orders named (and those with the customer's e-mail) and from the system
 *   orders made from them: buyer, recipient, phone, street, postcode, and the raw payload.
 * - `shop/redact` (48 h after uninstall): the same for every platform order of the account.
 * - `customers/data_request` {customer, orders_requested [ids]}: what we hold of that customer, for the
 *   merchant to hand over (Shopify leaves delivering it to the store owner): returned as the result.
 * Amounts, SKUs and quantities stay: they are the merchant's own records, not the customer's data.
 */
export const PRIVACY_TOPICS = new Set(["customers/data_request", "customers/redact", "shop/redact"]);

type PrivacyPayload = {
  customer?: { id?: number | string; email?: string | null; phone?: string | null };
  orders_to_redact?: (number | string)[];
  orders_requested?: (number | string)[];
};

const orderGid = (id: number | string) => (String(id).startsWith("gid://") ? String(id) : `gid://shopify/Order/${id}`);

const REDACTED = { redacted: true } as const;

function matching(account: { orgId: string; id: string }, p: PrivacyPayload, ids: (number | string)[] | undefined) {
  const gids = (ids ?? []).map(orderGid);
  const email = p.customer?.email?.trim();
  const byCustomer = [gids.length ? inArray(platformOrders.platformOrderId, gids) : undefined, email ? eq(platformOrders.buyerEmail, email) : undefined].filter(
    (x): x is NonNullable<typeof x> => Boolean(x),
  );
  if (byCustomer.length === 0) return null;
  return and(eq(platformOrders.orgId, account.orgId), eq(platformOrders.accountId, account.id), or(...byCustomer));
}

/** Platform orders and the system orders made from them, in one transaction. */
async function redact(db: Db, account: { orgId: string; id: string }, where: SQL | undefined) {
  return db.transaction(async (tx) => redactIn(tx, account, where));
}

async function redactIn(db: DbExecutor, account: { orgId: string; id: string }, where: SQL | undefined) {
  const rows = await db
    .update(platformOrders)
    .set({ buyerName: "", buyerEmail: null, recipientName: "", recipientPhone: "", street: "", postcode: "", remark: "", raw: REDACTED })
    .where(where)
    .returning({ id: platformOrders.id, orderId: platformOrders.orderId });
  const orderIds = rows.map((r) => r.orderId).filter((x): x is string => Boolean(x));
  if (orderIds.length) {
    await db
      .update(orders)
      .set({ recipientName: "", recipientPhone: "", street: "", postcode: "" })
      .where(and(eq(orders.orgId, account.orgId), inArray(orders.id, orderIds)));
  }
  return rows.length;
}

export async function handlePrivacyTopic(db: Db, account: { orgId: string; id: string }, topic: string, payload: unknown): Promise<string> {
  const p = (payload ?? {}) as PrivacyPayload;
  if (topic === "shop/redact") {
    const n = await redact(db, account, and(eq(platformOrders.orgId, account.orgId), eq(platformOrders.accountId, account.id)));
    return `shop redacted: ${n} platform orders`;
  }
  if (topic === "customers/redact") {
    const where = matching(account, p, p.orders_to_redact);
    const n = where ? await redact(db, account, where) : 0;
    return `customer redacted: ${n} platform orders`;
  }
  // customers/data_request: the data we hold, as the result the merchant reads from the inbox.
  const where = matching(account, p, p.orders_requested);
  const held = where
    ? await db
        .select({
          platformOrderId: platformOrders.platformOrderId,
          platformOrderNo: platformOrders.platformOrderNo,
          buyerName: platformOrders.buyerName,
          buyerEmail: platformOrders.buyerEmail,
          recipientName: platformOrders.recipientName,
          recipientPhone: platformOrders.recipientPhone,
          country: platformOrders.country,
          province: platformOrders.province,
          city: platformOrders.city,
          street: platformOrders.street,
          postcode: platformOrders.postcode,
        })
        .from(platformOrders)
        .where(where)
    : [];
  return `customer data request: ${JSON.stringify({ customer: p.customer ?? null, orders: held })}`;
}
