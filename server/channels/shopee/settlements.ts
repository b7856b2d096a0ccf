import { Decimal } from "@/lib/decimal";
import type { NormalizedSettlement, NormalizedSettlementLine } from "../types";

/*
 * Shopee settlements: v2.payment.get_escrow_list (escrows released in a time window, page_no/page_size
 * paging, `more`) and v2.payment.get_escrow_detail per order (order_income). One released escrow is one
 * settlement (its order_sn is the payout id: Shopee releases each order's escrow on its own and names
 * no payout id in the escrow list), paid with get_escrow_list's payout_amount.
 *
 * Checked against the docs corpus (shopee-openapi-v2 / shopee-client typings of the v2 payment module,
 * which mirror open.shopee.com): get_escrow_detail's order_income fields escrow_amount,
 * buyer_total_amount, original_price, commission_fee, service_fee, seller_transaction_fee,
 * final_shipping_fee, actual_shipping_fee, shopee_shipping_rebate, drc_adjustable_refund, and the
 * formula escrow_amount = buyer_total_amount + shopee_discount + voucher_from_shopee + coins +
 * payment_promotion − buyer_transaction_fee − cross_border_tax − commission_fee − service_fee −
 * seller_transaction_fee − seller_coin_cash_back − escrow_tax − drc_adjustable_refund +
 * final_shipping_fee; get_escrow_list's release_time_from / release_time_to and its items'
 * order_sn, payout_amount, escrow_release_time.
 * Could not be verified (no first-party page in the stored docs): the maximum release-time range of
 * get_escrow_list (this connector slices 15 days, like get_order_list), its page_size bound (≤100
 * assumed), whether its list key is `escrow_list` and its paging `page_no` + `more` in v2 (v1 answered
 * `orders`; both keys are read), the currency of order_income (not in it: taken from get_order_detail),
 * and the rate limits of the payment APIs (Shopee publishes none).
 */

const d = (n: number | string | undefined | null) => (n === undefined || n === null || n === "" ? new Decimal(0) : new Decimal(String(n)));

export type ShopeeOrderIncome = {
  escrow_amount?: number;
  buyer_total_amount?: number;
  original_price?: number;
  commission_fee?: number;
  service_fee?: number;
  seller_transaction_fee?: number;
  final_shipping_fee?: number;
  actual_shipping_fee?: number;
  shopee_shipping_rebate?: number;
  drc_adjustable_refund?: number;
};

export type ShopeeEscrowItem = { order_sn?: string; ordersn?: string; payout_amount?: number; escrow_release_time?: number };

/**
 * An escrow's lines, signed as credited, summing exactly to escrow_amount: the fees Shopee names
 * (commission, service, transaction), the shipping subsidy (shopee_shipping_rebate), the rest of the
 * shipping result (final_shipping_fee − rebate: what the buyer paid less what the 3PL cost), the refund
 * (drc_adjustable_refund), and the goods (everything else in escrow_amount: price after the discounts
 * and vouchers Shopee's formula adds back). Zero lines are left out, except the sale.
 */
export function escrowLines(orderSn: string, currency: string, income: ShopeeOrderIncome, postedAt: Date): NormalizedSettlementLine[] {
  const rebate = d(income.shopee_shipping_rebate);
  const parts: [NormalizedSettlementLine["type"], string, Decimal][] = [
    ["commission", "commission_fee", d(income.commission_fee).neg()],
    ["service_fee", "service_fee", d(income.service_fee).neg()],
    ["transaction_fee", "seller_transaction_fee", d(income.seller_transaction_fee).neg()],
    ["shipping_subsidy", "shopee_shipping_rebate", rebate],
    ["shipping_fee", "final_shipping_fee", d(income.final_shipping_fee).minus(rebate)],
    ["refund", "drc_adjustable_refund", d(income.drc_adjustable_refund).neg()],
  ];
  const rest = parts.reduce((s, [, , v]) => s.minus(v), d(income.escrow_amount));
  const line = (type: NormalizedSettlementLine["type"], platformType: string, amount: Decimal): NormalizedSettlementLine => ({
    externalLineId: `${orderSn}:${platformType}`,
    platformOrderId: orderSn,
    type,
    platformType,
    currency,
    amount: amount.toFixed(),
    postedAt,
    description: "",
  });
  return [line("sale", "escrow_amount", rest), ...parts.filter(([, , v]) => !v.isZero()).map(([t, p, v]) => line(t, p, v))];
}

export function escrowSettlement(item: ShopeeEscrowItem, currency: string, income: ShopeeOrderIncome): NormalizedSettlement {
  const sn = item.order_sn ?? item.ordersn ?? "";
  const at = new Date((item.escrow_release_time ?? 0) * 1000);
  return {
    externalId: sn,
    settledAt: at,
    currency,
    receivedAmount: item.payout_amount === undefined ? null : d(item.payout_amount).toFixed(),
    status: "paid",
    platformStatus: "ESCROW_RELEASED",
    lines: escrowLines(sn, currency, income, at),
  };
}

/** Where the settlement walk is: the ≤15-day slice and the page in it. */
type EscrowCursor = { w: number; p: number };
export const encodeEscrowCursor = (c: EscrowCursor) => Buffer.from(JSON.stringify(c)).toString("base64url");
export function decodeEscrowCursor(text: string): EscrowCursor | null {
  try {
    const c = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as EscrowCursor;
    return typeof c.w === "number" && Number.isInteger(c.p) && c.p >= 1 ? c : null;
  } catch {
    return null;
  }
}
