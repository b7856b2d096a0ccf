import { z } from "zod";
import { LINE_TYPES, ORDER_STATUSES } from "@/lib/orders/status";
import { decimalInput, optionalDecimalInput } from "./common";
import { optionalDate } from "./orders";

/**
 * Inputs of the ERP open API (002), over the API's own field names: `POST /api/open` and the tRPC
 * `orders.createOrders / getOrders / getStock / getAddresses` procedures parse the same schemas.
 */

const text = (max: number) => z.string({ error: "required" }).trim().min(1, { error: "required" }).max(max, { error: "tooLong" });
const optText = (max: number) => z.string().trim().max(max, { error: "tooLong" }).nullish();
/** 002 types address_id as Int; a numeric string is accepted too. */
const intId = z.union([z.number(), z.string().trim().regex(/^\d+$/, { error: "invalidId" })]).transform((v, c) => {
  const n = typeof v === "string" ? Number(v) : v;
  if (!Number.isSafeInteger(n) || n <= 0) {
    c.addIssue({ code: "custom", message: "invalidId" });
    return z.NEVER;
  }
  return n;
});

export const CreateOrdersV = z.object({
  client_num: text(40),
  status: z.enum(["pending", "stock_up"], { error: "createStatusInvalid" }).default("pending"),
  distrib_mode: optText(40),
  address_id: intId.nullish(),
  freight: optionalDecimalInput,
  delivery_date: optionalDate,
  discount_total: optionalDecimalInput,
  remark: z.string().max(1000, { error: "tooLong" }).nullish(),
  body: z
    .array(
      z.object({
        options_goods_num: text(64),
        orders_price: decimalInput,
        orders_number: decimalInput,
        list_type: z.enum(LINE_TYPES, { error: "lineTypeInvalid" }).nullish(),
        remark: z.string().max(500, { error: "tooLong" }).nullish(),
      }),
      { error: "linesRequired" },
    )
    .min(1, { error: "linesRequired" })
    .max(500, { error: "tooManyLines" }),
});
export type CreateOrdersV = z.input<typeof CreateOrdersV>;

const isoDateTime = z
  .string()
  .trim()
  .refine((s) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && !Number.isNaN(Date.parse(s)), { error: "dateTimeFormat" })
  .nullish();

export const GetOrdersV = z.object({
  orders_num: z.array(z.string().trim().max(60)).max(200, { error: "orderNosTooMany" }).nullish(),
  created_from: isoDateTime,
  created_to: isoDateTime,
  status: z.enum(ORDER_STATUSES).nullish(),
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(200).default(50),
  /** Keyset continuation (`next_cursor` of the previous answer): for walking past 10,000 orders. */
  cursor: z.string().max(500).nullish(),
});
export type GetOrdersV = z.input<typeof GetOrdersV>;

export const GetStockV = z.object({
  options_goods_num: z.array(text(64), { error: "required" }).min(1, { error: "required" }).max(500),
});
export type GetStockV = z.input<typeof GetStockV>;
export const GetAddressesV = z.object({ client_num: text(40) });
export type GetAddressesV = z.input<typeof GetAddressesV>;
