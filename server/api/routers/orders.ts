import { z } from "zod";
import { uuidInput } from "@/lib/validators/common";
import { CreateOrdersV, GetAddressesV, GetOrdersV, GetStockV } from "@/lib/validators/open-api";
import { BulkInput, CreateOrderInput, OrderListInput, PickProductsInput, ReasonInput, RequiredReasonInput, UpdateOrderInput } from "@/lib/validators/orders";
import type { Locale } from "@/lib/i18n/config";
import { DomainError, type FieldErrors } from "@/server/errors";
import { approveOrder } from "@/server/services/orders/approve-order";
import { removeAttachment } from "@/server/services/orders/attachments";
import { bulkTransition, type BulkResult } from "@/server/services/orders/bulk";
import { createOrder } from "@/server/services/orders/create-order";
import { copyOrder, updateOrder } from "@/server/services/orders/edit-order";
import { orderFormOptions, pickProducts } from "@/server/services/orders/form-options";
import { withIdempotency } from "@/server/services/orders/idempotency";
import { apiFieldName, createOrdersFn, getAddressesFn, getOrdersFn, getStockFn } from "@/server/services/orders/open-api";
import { getOrderDetail, listOrders, orderStatusCountsOf } from "@/server/services/orders/queries";
import { transitionOrder } from "@/server/services/orders/transitions";
import { domainErrorPayload } from "../error-payload";
import { createTRPCRouter, orgProcedure, permitted } from "../trpc";

const idempotencyKey = z.string().trim().max(200).nullish();
const OrderIdInput = z.object({ orderId: uuidInput });

const bulkReport = (r: BulkResult, locale: Locale) => ({
  done: r.done,
  failed: r.failed.map((f) => ({ id: f.id, orderNo: f.orderNo, message: domainErrorPayload(f.error, locale).message })),
});

/** The open-API functions over tRPC report fields by the API's names (body[0].orders_price …). */
async function withApiFieldNames<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (!(e instanceof DomainError) || !e.fieldErrors) throw e;
    const fieldErrors: FieldErrors = Object.fromEntries(Object.entries(e.fieldErrors).map(([k, v]) => [apiFieldName(k), v]));
    throw new DomainError(e.code, e.messageRef, { fieldErrors, details: e.details, cause: e });
  }
}

export const ordersRouter = createTRPCRouter({
  list: orgProcedure.input(OrderListInput).query(({ ctx, input }) => listOrders(ctx.svc, input)),
  statusCounts: orgProcedure.query(({ ctx }) => orderStatusCountsOf(ctx.svc)),
  byId: orgProcedure.input(z.object({ id: uuidInput })).query(({ ctx, input }) => getOrderDetail(ctx.svc, input.id)),

  /** Lists the order form offers: delivery methods, warehouses, agreement/processing types, precision. */
  formOptions: orgProcedure.query(({ ctx }) => orderFormOptions(ctx.svc)),

  /** The product picker: enabled products by SKU/name/barcode with their available stock. */
  pickProducts: orgProcedure.input(PickProductsInput).query(({ ctx, input }) => pickProducts(ctx.svc, input)),

  create: permitted("orders.write")
    .input(CreateOrderInput.extend({ idempotencyKey }))
    .mutation(async ({ ctx, input }) => {
      const { idempotencyKey: key, ...order } = input;
      const { value } = await withIdempotency(ctx.svc, { scope: "trpc:create", key, request: order }, async (tx) => {
        const row = await createOrder(tx, order);
        return { id: row.id, orderNo: row.orderNo, status: row.status };
      });
      return value;
    }),
  update: permitted("orders.write")
    .input(UpdateOrderInput)
    .mutation(async ({ ctx, input }) => {
      const row = await updateOrder(ctx.svc, input);
      return { id: row.id, orderNo: row.orderNo, version: row.version };
    }),
  copy: permitted("orders.write")
    .input(OrderIdInput)
    .mutation(async ({ ctx, input }) => {
      const row = await copyOrder(ctx.svc, input);
      return { id: row.id, orderNo: row.orderNo };
    }),
  approve: permitted("orders.approve")
    .input(OrderIdInput)
    .mutation(async ({ ctx, input }) => pick(await approveOrder(ctx.svc, input))),
  close: permitted("orders.write")
    .input(ReasonInput)
    .mutation(async ({ ctx, input }) => pick(await transitionOrder(ctx.svc, { ...input, action: "close" }))),
  freeze: permitted("orders.write")
    .input(RequiredReasonInput)
    .mutation(async ({ ctx, input }) => pick(await transitionOrder(ctx.svc, { ...input, action: "freeze" }))),
  unfreeze: permitted("orders.write")
    .input(OrderIdInput)
    .mutation(async ({ ctx, input }) => pick(await transitionOrder(ctx.svc, { ...input, action: "unfreeze" }))),
  void: permitted("orders.write")
    .input(RequiredReasonInput)
    .mutation(async ({ ctx, input }) => pick(await transitionOrder(ctx.svc, { ...input, action: "void" }))),
  bulkApprove: permitted("orders.approve")
    .input(BulkInput)
    .mutation(async ({ ctx, input }) => bulkReport(await bulkTransition(ctx.svc, input.orderIds, "approve"), ctx.locale)),
  bulkClose: permitted("orders.write")
    .input(BulkInput)
    .mutation(async ({ ctx, input }) => bulkReport(await bulkTransition(ctx.svc, input.orderIds, "close", input.reason), ctx.locale)),
  removeAttachment: permitted("orders.write")
    .input(z.object({ attachmentId: uuidInput }))
    .mutation(async ({ ctx, input }) => {
      await removeAttachment(ctx.svc, input.attachmentId);
      return { ok: true };
    }),

  // The ERP open API's functions, for tRPC clients (Authorization: Bearer <key>): same input fields, same rData.
  createOrders: permitted("orders.write")
    .input(CreateOrdersV.extend({ idempotencyKey }))
    .mutation(({ ctx, input }) => {
      const { idempotencyKey: key, ...v } = input;
      return withApiFieldNames(() => createOrdersFn(ctx.svc, v, { idempotencyKey: key, scope: "trpc:createOrders" }));
    }),
  getOrders: orgProcedure.input(GetOrdersV).query(({ ctx, input }) => withApiFieldNames(() => getOrdersFn(ctx.svc, input))),
  getStock: orgProcedure.input(GetStockV).query(({ ctx, input }) => withApiFieldNames(() => getStockFn(ctx.svc, input))),
  getAddresses: orgProcedure.input(GetAddressesV).query(({ ctx, input }) => withApiFieldNames(() => getAddressesFn(ctx.svc, input))),
});

function pick(row: { id: string; orderNo: string; status: string; version: number }) {
  return { id: row.id, orderNo: row.orderNo, status: row.status, version: row.version };
}
