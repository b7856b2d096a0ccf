import type { z } from "zod";
import type { Permission } from "@/lib/permissions";
import { CreateOrdersV, GetAddressesV, GetOrdersV, GetStockV } from "@/lib/validators/open-api";
import type { ServiceContext } from "@/server/context";
import { createOrdersFn, getAddressesFn, getOrdersFn, getStockFn } from "@/server/services/orders/open-api";

export type OpenFunction = {
  schema: z.ZodType;
  permission: Permission | null;
  run: (ctx: ServiceContext, v: unknown, opts: { idempotencyKey: string | null }) => Promise<unknown>;
  successMessage: "orderCreated" | "ok";
};

/** The function table of the open API. */
export const OPEN_FUNCTIONS: Record<string, OpenFunction> = {
  createOrders: {
    schema: CreateOrdersV,
    permission: "orders.write",
    run: (ctx, v, opts) => createOrdersFn(ctx, v as CreateOrdersV, { ...opts, scope: "open:createOrders" }),
    successMessage: "orderCreated",
  },
  getOrders: { schema: GetOrdersV, permission: null, run: (ctx, v) => getOrdersFn(ctx, v as GetOrdersV), successMessage: "ok" },
  getStock: { schema: GetStockV, permission: null, run: (ctx, v) => getStockFn(ctx, v as GetStockV), successMessage: "ok" },
  getAddresses: { schema: GetAddressesV, permission: null, run: (ctx, v) => getAddressesFn(ctx, v as GetAddressesV), successMessage: "ok" },
};
