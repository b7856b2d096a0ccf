import { z } from "zod";
import { LINE_TYPES, ORDER_SOURCES, ORDER_STATUSES } from "@/lib/orders/status";
import { codeText, decimalInput, nameText, optionalDecimalInput, optionalText, PageInput, requiredText, uuidInput } from "./common";

/**
 * Inputs of the orders domain, shared by the service, the tRPC router, the forms (zodResolver) and the
 * open API adapter. Decimals arrive as JSON numbers or numeric strings; the merchant's precision is
 * checked by the service (a value with too many decimals is refused, never rounded).
 */

const isoDate = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "dateFormat" })
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), {
    error: "dateFormat",
  });

export const optionalDate = z
  .union([isoDate, z.literal("")])
  .nullish()
  .transform((v) => v || null);

const optionalName = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { error: "tooLong" })
    .nullish()
    .transform((v) => v || null);

export const OrderLineInput = z.object({
  sku: codeText(64),
  quantity: decimalInput,
  unitPrice: decimalInput,
  lineType: z.enum(LINE_TYPES, { error: "lineTypeInvalid" }).default("buy"),
  remark: optionalText(500),
});
export type OrderLineInput = z.input<typeof OrderLineInput>;

/** A typed shipping address (when none of the customer's addresses is picked). */
export const OrderAddressInput = z.object({
  recipientName: nameText(100),
  recipientPhone: requiredText(40),
  country: requiredText(60).default("CN"),
  province: optionalText(60),
  city: optionalText(60),
  district: optionalText(60),
  street: requiredText(300),
  postcode: optionalText(20),
});
export type OrderAddressInput = z.input<typeof OrderAddressInput>;

/** The content of an order, as typed on the form or sent by an API; create, edit and copy share it. */
export const OrderContentInput = z.object({
  /** Customer number (client_num); optional for manual orders typed without a customer. */
  clientNum: optionalName(40),
  buyerCompany: optionalText(200),
  /** One of the customer's addresses; without it and without a typed address, the default address. */
  addressId: z.number({ error: "invalidId" }).int({ error: "invalidId" }).positive({ error: "invalidId" }).nullish(),
  address: OrderAddressInput.nullish(),
  /** Name from the merchant's delivery methods; the default one when absent. */
  deliveryMethod: optionalName(40),
  warehouseId: uuidInput.nullish(),
  deliveryDate: optionalDate,
  freight: optionalDecimalInput,
  /** Settlement total (结算价); differs from what the lines compute only as a special price (特批价). */
  discountTotal: optionalDecimalInput,
  remark: optionalText(1000),
  agreementType: optionalName(60),
  agreedTotalQty: optionalDecimalInput,
  processingType: optionalName(60),
  agreedTotalAmount: optionalDecimalInput,
  lines: z.array(OrderLineInput, { error: "linesRequired" }).min(1, { error: "linesRequired" }).max(500, { error: "tooManyLines" }),
});
export type OrderContentInput = z.input<typeof OrderContentInput>;

/**
 * What a caller (form, tRPC, open API) may create. A platform order's system order is made only by the
 * conversion (server/services/channels/convert.ts, `ConvertedOrderInput`), which claims the caller's own
 * pending platform order first: a request can neither name `source: "platform"` nor a platform order.
 */
export const CALLER_ORDER_SOURCES = ["manual", "api"] as const;

export const CreateOrderInput = OrderContentInput.extend({
  source: z.enum(CALLER_ORDER_SOURCES, { error: "orderSourceInvalid" }).default("manual"),
  /** `stock_up` approves at once (reserving stock in the same transaction). */
  status: z.enum(["pending", "stock_up"], { error: "createStatusInvalid" }).default("pending"),
  /** Files staged by the upload route before the order existed. */
  attachmentIds: z.array(uuidInput).max(20).default([]),
});
export type CreateOrderInput = z.input<typeof CreateOrderInput>;
export type CreateOrderParsed = z.output<typeof CreateOrderInput>;

/** The conversion's input (server-side only): the content of one claimed platform order. */
export const ConvertedOrderInput = CreateOrderInput.omit({ source: true }).extend({ platformOrderId: uuidInput });
export type ConvertedOrderInput = z.input<typeof ConvertedOrderInput>;
export type ConvertedOrderParsed = z.output<typeof ConvertedOrderInput>;

/** Edit of a pending order: the whole content again, with the version the editor started from. */
export const UpdateOrderInput = OrderContentInput.extend({
  orderId: uuidInput,
  version: z.number().int().positive().optional(),
});
export type UpdateOrderInput = z.input<typeof UpdateOrderInput>;

/** Actions people trigger from the pages (the rest are set by production, warehouse and channels). */
export const ReasonInput = z.object({ orderId: uuidInput, reason: z.string().trim().max(500, { error: "tooLong" }).nullish() });
export const RequiredReasonInput = z.object({ orderId: uuidInput, reason: requiredText(500) });

/** The order form's product picker: a search term and the keyset cursor of the next page. */
export const PickProductsInput = z.object({ search: z.string().trim().max(100).optional(), cursor: z.string().max(500).nullish() });

export const BulkInput = z.object({ orderIds: z.array(uuidInput).min(1).max(200), reason: z.string().trim().max(500).nullish() });

/** Order numbers pasted one per line or separated by commas, spaces or semicolons. */
export function parseOrderNos(text: string | string[] | null | undefined): string[] {
  const parts = Array.isArray(text) ? text : (text ?? "").split(/[\s,;，；]+/);
  return [...new Set(parts.map((p) => p.trim()).filter(Boolean))].slice(0, 500);
}

export const ORDER_SORTS = ["created", "orderNo", "deliveryDate", "total"] as const;
export type OrderSort = (typeof ORDER_SORTS)[number];

export const OrderFilterInput = z.object({
  status: z.enum(ORDER_STATUSES).optional(),
  /** One number or the start of one. */
  orderNo: z.string().trim().max(60).optional(),
  /** Several numbers pasted at once. */
  orderNos: z.array(z.string().trim().max(60)).max(500).optional(),
  clientNum: z.string().trim().max(40).optional(),
  source: z.enum(ORDER_SOURCES).optional(),
  createdFrom: optionalDate,
  createdTo: optionalDate,
  deliveryFrom: optionalDate,
  deliveryTo: optionalDate,
  /** Recipient name or phone, any part. */
  recipient: z.string().trim().max(100).optional(),
  country: z.string().trim().max(60).optional(),
});
export type OrderFilterInput = z.input<typeof OrderFilterInput>;

export const OrderListInput = PageInput.extend({
  filter: OrderFilterInput.prefault({}),
  sort: z.enum(ORDER_SORTS).default("created"),
  dir: z.enum(["asc", "desc"]).default("desc"),
});
export type OrderListInput = z.input<typeof OrderListInput>;
