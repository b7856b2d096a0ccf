import { z } from "zod";
import { PlatformOrderFilterInput, PlatformOrderIdsInput, PlatformOrderListInput } from "@/lib/validators/channels";
import { uuidInput } from "@/lib/validators/common";
import * as po from "@/server/services/channels/platform-orders";
import { createTRPCRouter, orgProcedure, permitted } from "../trpc";

/** 平台订单管理: tabs with counts, filters, convert / freeze / void / mark shipped / platform ship (one or many). */
export const platformOrdersRouter = createTRPCRouter({
  list: orgProcedure.input(PlatformOrderListInput).query(({ ctx, input }) => po.listPlatformOrders(ctx.svc, input)),
  counts: orgProcedure.input(PlatformOrderFilterInput.prefault({})).query(({ ctx, input }) => po.platformOrderCounts(ctx.svc, input)),
  blockedCount: orgProcedure.query(({ ctx }) => po.blockedPlatformOrderCount(ctx.svc)),
  byId: orgProcedure.input(z.object({ id: uuidInput })).query(({ ctx, input }) => po.getPlatformOrder(ctx.svc, input.id)),
  convert: permitted("channels.operate").input(PlatformOrderIdsInput).mutation(({ ctx, input }) => po.convertSelected(ctx.svc, input)),
  freeze: permitted("channels.operate").input(PlatformOrderIdsInput).mutation(({ ctx, input }) => po.freezePlatformOrders(ctx.svc, input)),
  unfreeze: permitted("channels.operate").input(PlatformOrderIdsInput).mutation(({ ctx, input }) => po.unfreezePlatformOrders(ctx.svc, input)),
  void: permitted("channels.operate").input(PlatformOrderIdsInput).mutation(({ ctx, input }) => po.voidPlatformOrders(ctx.svc, input)),
  markShipped: permitted("channels.operate").input(PlatformOrderIdsInput).mutation(({ ctx, input }) => po.markShippedPlatformOrders(ctx.svc, input)),
  platformShip: permitted("channels.operate").input(PlatformOrderIdsInput).mutation(({ ctx, input }) => po.platformShipOrders(ctx.svc, input)),
});
