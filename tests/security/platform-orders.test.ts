import { TRPCError } from "@trpc/server";
import { and, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { channelAccounts, orders, platformOrders } from "@/db/schema";
import { handleOpenRequest } from "@/server/open/handler";
import { closeTestDb, newApiKey, sessionCaller, testDb, uid } from "../helpers/db";
import { orderMerchant, simpleOrder } from "../integration/orders-fixtures";

/**
 * Finding 5: a system order of a platform order is made only by the conversion, which first claims the
 * merchant's own pending platform order. `orders.create` (and the open API) cannot name a platform
 * order — another merchant's, or even the caller's own.
 */

afterAll(closeTestDb);

async function pendingPlatformOrder(orgId: string) {
  const db = testDb();
  const [account] = await db
    .insert(channelAccounts)
    .values({ orgId, platform: "shopify", alias: uid("acct-"), baseUrl: "https://x.myshopify.com" })
    .returning();
  const [po] = await db
    .insert(platformOrders)
    .values({
      orgId,
      accountId: account!.id,
      platform: "shopify",
      platformOrderId: uid("gid-"),
      platformOrderNo: uid("#"),
      platformStatus: "PAID/UNFULFILLED",
      normalizedStatus: "unshipped",
      platformCreatedAt: new Date(),
      platformUpdatedAt: new Date(),
      raw: {},
    })
    .returning();
  return po!;
}

describe("finding 5: platform orders are taken only through conversion", () => {
  it("orders.create refuses source 'platform' with any platformOrderId — another merchant's or the caller's own", async () => {
    const a = await orderMerchant();
    const b = await orderMerchant();
    const theirs = await pendingPlatformOrder(b.org.orgId);
    const mine = await pendingPlatformOrder(a.org.orgId);
    const caller = sessionCaller(a.org.ownerId, a.org.orgId);
    for (const po of [theirs, mine]) {
      const e = await caller.orders
        .create(simpleOrder({ source: "platform", platformOrderId: po.id }) as never)
        .catch((x: unknown) => x);
      expect(e).toBeInstanceOf(TRPCError);
      expect((e as TRPCError).code).toBe("BAD_REQUEST");
    }
    const linked = await testDb()
      .select({ id: orders.id })
      .from(orders)
      .where(and(eq(orders.orgId, a.org.orgId), eq(orders.source, "platform")));
    expect(linked).toHaveLength(0);
    // A platformOrderId on a manual order is not a way round it either: it is not part of the input.
    const manual = await caller.orders.create(simpleOrder({ platformOrderId: theirs.id }) as never);
    const [row] = await testDb().select().from(orders).where(eq(orders.id, manual.id));
    expect(row).toMatchObject({ source: "manual", platformOrderId: null });
  });

  it("the open API's createOrders cannot name a platform order either", async () => {
    const b = await orderMerchant();
    const a = await orderMerchant();
    const theirs = await pendingPlatformOrder(b.org.orgId);
    const key = await newApiKey(a.org, "admin");
    const body = JSON.stringify({
      f: "createOrders",
      v: {
        sKey: key,
        client_num: "10331",
        source: "platform",
        platformOrderId: theirs.id,
        platform_order_id: theirs.id,
        body: [{ options_goods_num: "00021002", orders_number: "1", orders_price: "1" }],
      },
    });
    const res = await handleOpenRequest(testDb(), { body, headers: new Headers() });
    const [row] = await testDb().select().from(orders).where(eq(orders.orgId, a.org.orgId));
    if (res.body.rStatus === 100) expect(row).toMatchObject({ source: "api", platformOrderId: null });
    const theirsOrders = await testDb()
      .select({ id: orders.id })
      .from(orders)
      .where(eq(orders.platformOrderId, theirs.id));
    expect(theirsOrders).toHaveLength(0);
  });
});
