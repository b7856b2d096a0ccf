import { and, eq } from "drizzle-orm";
import { orderCharges, orders } from "@/db/schema";
import { OrderChargeInput } from "@/lib/validators/finance";
import { actorUserId, type ServiceContext } from "@/server/context";
import { notFound } from "@/server/errors";
import { getPrecision, parseDecimalField } from "../_lib/precision";

/** 订单费用: a platform fee, freight paid or another cost of one order, in its own currency. */
export async function addOrderCharge(ctx: ServiceContext, raw: OrderChargeInput) {
  const input = OrderChargeInput.parse(raw);
  const amount = parseDecimalField(input.amount, "amount", await getPrecision(ctx), "amount");
  const [order] = await ctx.db.select({ id: orders.id }).from(orders).where(and(eq(orders.orgId, ctx.orgId), eq(orders.id, input.orderId)));
  if (!order) throw notFound("order");
  const [row] = await ctx.db
    .insert(orderCharges)
    .values({ orgId: ctx.orgId, orderId: order.id, kind: input.kind, currency: input.currency, amount, remark: input.remark, createdBy: actorUserId(ctx) })
    .returning();
  return row!;
}

export async function deleteOrderCharge(ctx: ServiceContext, id: string) {
  const [row] = await ctx.db
    .delete(orderCharges)
    .where(and(eq(orderCharges.orgId, ctx.orgId), eq(orderCharges.id, id)))
    .returning({ id: orderCharges.id });
  if (!row) throw notFound("orderCharge");
  return row;
}

export async function chargesOfOrder(ctx: ServiceContext, orderId: string) {
  return ctx.db
    .select()
    .from(orderCharges)
    .where(and(eq(orderCharges.orgId, ctx.orgId), eq(orderCharges.orderId, orderId)))
    .orderBy(orderCharges.createdAt, orderCharges.id);
}
