import { sql, type SQL } from "drizzle-orm";
import { Decimal, dec } from "@/lib/decimal";
import { roundMoney } from "@/lib/finance/currency";
import type { OrderChargeKind } from "@/lib/finance/kinds";
import type { OrgScope } from "@/server/context";
import type { Cursor } from "../_lib/keyset";
import { rateHistory, type RateUsed } from "./rates";

/**
 * 订单利润: what each system order earned, in the merchant's reporting currency.
 *
 *   revenue (goods at 结算价 + shipping charged) − refunds − platform fees − product cost − freight paid
 *   − packaging − other costs = profit; margin = profit ÷ (revenue − refunds).
 *
 * Product cost is the **moving (weighted) average of receipts**: every unit that came in (receipts and
 * opening stock, from the stock ledger) up to the moment the order was created is valued at the SKU's
 * purchase cost in force on the day it came in, and the order's units cost the quantity-weighted average
 * of those. Receipts in Manifold carry no price, so the price comes from the cost history; averaging
 * over receipts means a new purchase price reaches profit as the stock bought at it arrives, instead of
 * repricing units already on the shelf (what "cost on the order's day" would do), and it needs no lot
 * tracking (FIFO would need lot-level consumption the ledger does not keep). Units that came in before
 * any cost was entered are left out of the average; a SKU with no valued receipt falls back to the cost
 * in force on the order's day, and one with no cost at all is counted as 0 and flagged.
 *
 * Currencies: every amount is converted with the latest rate on or before the order's day (merchant
 * time zone) and the rate and its date are reported. Each figure is summed in its own currency, then
 * converted and rounded half-up once, at the reporting currency's minor unit. An order needing a rate
 * that is missing has no profit (flagged, left out of the totals) rather than a guessed one.
 */

export const EXCLUDED_STATUSES = ["voided", "closed"] as const;
const RECEIPT_KINDS = ["receipt", "opening"] as const;
const REFUNDED_RETURNS = ["received", "inspected", "closed"] as const;

export type OrderHead = {
  id: string;
  orderNo: string;
  status: string;
  source: string;
  createdAt: string;
  day: string;
  discountTotal: string;
  linesTotal: string;
  freight: string;
  platform: string | null;
  accountId: string | null;
  shopAlias: string | null;
  currency: string | null;
  country: string;
};

export type ProfitLine = {
  sku: string;
  quantity: string;
  costQuantity: string;
  unitCost: string | null;
  costMethod: "movingAverage" | "costOnDate" | "missing";
  receiptQty: string;
  packagingUnitCost: string | null;
  packagingCurrency: string | null;
};

export type OrderProfit = {
  orderId: string;
  orderNo: string;
  status: string;
  createdAt: string;
  day: string;
  platform: string;
  accountId: string | null;
  shopAlias: string | null;
  country: string;
  currency: string;
  reportingCurrency: string;
  /** In the order's currency, as charged. */
  original: { itemsRevenue: string; shipping: string; refunds: string };
  itemsRevenue: string | null;
  shipping: string | null;
  refunds: string | null;
  platformFees: string | null;
  productCost: string | null;
  freight: string | null;
  packaging: string | null;
  otherCosts: string | null;
  profit: string | null;
  /** Percent, two decimals; null when net revenue is not positive or a rate is missing. */
  margin: string | null;
  ratesUsed: RateUsed[];
  missingRates: string[];
  missingCosts: string[];
  lines: ProfitLine[];
  charges: { kind: OrderChargeKind; currency: string; amount: string; remark: string }[];
  refundReturns: string[];
};

export async function orderHeads(ctx: OrgScope, where: SQL, tz: string, cursor: Cursor | null, limit: number): Promise<(OrderHead & { sortKey: string })[]> {
  const after = cursor ? sql` and (o.created_at, o.id) < (${cursor.v}::timestamptz, ${cursor.id}::uuid)` : sql``;
  const rows = await ctx.db.execute<OrderHead & { sortKey: string }>(sql`
    select o.id, o.order_no as "orderNo", o.status, o.source, o.created_at::text as "createdAt", o.created_at::text as "sortKey",
      to_char((o.created_at at time zone ${tz})::date, 'YYYY-MM-DD') as day,
      o.discount_total as "discountTotal", o.lines_total as "linesTotal", o.freight, o.country,
      po.platform, po.account_id as "accountId", ca.alias as "shopAlias", nullif(po.currency, '') as currency
    from orders o
    left join platform_orders po on po.org_id = o.org_id and po.id = o.platform_order_id
    left join channel_accounts ca on ca.org_id = po.org_id and ca.id = po.account_id
    where ${where}${after}
    order by o.created_at desc, o.id desc
    limit ${limit}`);
  return [...rows];
}

type Rates = Map<string, { rateDate: string; rate: string }[]>;

function rateOn(rates: Rates, currency: string, day: string) {
  return rates.get(currency)?.find((r) => r.rateDate <= day) ?? null;
}

/** Compute the profit of these orders (already filtered to the merchant). */
export async function computeProfits(ctx: OrgScope, heads: OrderHead[], quote: string, tz: string): Promise<OrderProfit[]> {
  if (!heads.length) return [];
  const ids = sql.join(heads.map((h) => sql`${h.id}::uuid`), sql`, `);
  const org = ctx.orgId;
  const [lines, refunds, restocked, charges, packaging, onDate, receipts] = await Promise.all([
    ctx.db.execute<{ id: string; orderId: string; productId: string; sku: string; quantity: string; unitPrice: string }>(sql`
      select id, order_id as "orderId", product_id as "productId", sku, quantity, unit_price as "unitPrice"
      from order_lines where org_id = ${org} and order_id in (${ids}) order by order_id, line_no`),
    ctx.db.execute<{ orderId: string; orderLineId: string; qty: string; returnNo: string }>(sql`
      select r.order_id as "orderId", rl.order_line_id as "orderLineId", coalesce(rl.received_qty, rl.quantity) as qty, r.return_no as "returnNo"
      from returns r join return_lines rl on rl.org_id = r.org_id and rl.return_id = r.id
      where r.org_id = ${org} and r.order_id in (${ids}) and r.status in (${sql.join(REFUNDED_RETURNS.map((s) => sql`${s}`), sql`, `)})`),
    ctx.db.execute<{ orderLineId: string; qty: string }>(sql`
      select rl.order_line_id as "orderLineId", sum(rl.received_qty) as qty
      from returns r join return_lines rl on rl.org_id = r.org_id and rl.return_id = r.id
      where r.org_id = ${org} and r.order_id in (${ids}) and r.status <> 'cancelled' and rl.disposition = 'restock' and rl.received_qty is not null
      group by rl.order_line_id`),
    ctx.db.execute<{ orderId: string; kind: OrderChargeKind; currency: string; amount: string; remark: string }>(sql`
      select order_id as "orderId", kind, currency, amount, remark from order_charges
      where org_id = ${org} and order_id in (${ids}) order by created_at, id`),
    costOnOrderDay(ctx, ids, tz, "packaging"),
    costOnOrderDay(ctx, ids, tz, "purchase"),
    ctx.db.execute<{ orderId: string; productId: string; currency: string; amount: string; qty: string }>(sql`
      with x as (
        select distinct ol.order_id, ol.product_id, o.created_at
        from order_lines ol join orders o on o.org_id = ol.org_id and o.id = ol.order_id
        where ol.org_id = ${org} and ol.order_id in (${ids}))
      select x.order_id as "orderId", x.product_id as "productId", c.currency, c.amount, sum(m.on_hand_delta) as qty
      from x
      join stock_movements m on m.org_id = ${org} and m.product_id = x.product_id
        and m.kind in (${sql.join(RECEIPT_KINDS.map((k) => sql`${k}`), sql`, `)}) and m.on_hand_delta > 0 and m.created_at <= x.created_at
      join lateral (
        select sc.currency, sc.amount from sku_costs sc
        where sc.org_id = ${org} and sc.product_id = x.product_id and sc.kind = 'purchase'
          and sc.effective_from <= (m.created_at at time zone ${tz})::date
        order by sc.effective_from desc limit 1) c on true
      group by x.order_id, x.product_id, c.currency, c.amount`),
  ]);

  const currencies = new Set<string>(heads.map((h) => h.currency ?? quote));
  for (const c of charges) currencies.add(c.currency);
  for (const p of packaging) currencies.add(p.currency);
  for (const p of onDate) currencies.add(p.currency);
  for (const r of receipts) currencies.add(r.currency);
  const maxDay = heads.reduce((m, h) => (h.day > m ? h.day : m), heads[0]!.day);
  const rates = await rateHistory(ctx, [...currencies], quote, maxDay);

  const key = (o: string, p: string) => `${o}|${p}`;
  const packagingOf = new Map(packaging.map((p) => [key(p.orderId, p.productId), p]));
  const onDateOf = new Map(onDate.map((p) => [key(p.orderId, p.productId), p]));
  type Valued = { currency: string; amount: string; qty: string };
  const receiptsOf = new Map<string, Valued[]>();
  for (const r of receipts) receiptsOf.set(key(r.orderId, r.productId), [...(receiptsOf.get(key(r.orderId, r.productId)) ?? []), r]);
  const restockedOf = new Map(restocked.map((r) => [r.orderLineId, r.qty]));

  return heads.map((h) => {
    const currency = h.currency ?? quote;
    const used = new Map<string, RateUsed>();
    const missingRates = new Set<string>();
    /** amount in `cur` → reporting currency, unrounded; null when the rate is missing. */
    const toQuote = (amount: Decimal.Value, cur: string): Decimal | null => {
      if (cur === quote) return dec(amount);
      const r = rateOn(rates, cur, h.day);
      if (!r) {
        missingRates.add(cur);
        return null;
      }
      used.set(cur, { currency: cur, rateDate: r.rateDate, rate: r.rate });
      return dec(amount).times(r.rate);
    };
    const myLines = lines.filter((l) => l.orderId === h.id);
    const priceRatio = dec(h.linesTotal).isZero() ? dec(1) : dec(h.discountTotal).div(h.linesTotal);
    const refundLines = refunds.filter((r) => r.orderId === h.id);
    const refundOriginal = refundLines.reduce((s, r) => {
      const line = myLines.find((l) => l.id === r.orderLineId);
      return line ? s.plus(dec(r.qty).times(line.unitPrice).times(priceRatio)) : s;
    }, dec(0));

    // Product cost and packaging, per line, summed unrounded in the reporting currency.
    const missingCosts: string[] = [];
    let productCost = dec(0);
    let packagingCost = dec(0);
    let costsKnown = true;
    const profitLines: ProfitLine[] = myLines.map((l) => {
      const costQty = Decimal.max(dec(l.quantity).minus(restockedOf.get(l.id) ?? 0), 0);
      const k = key(h.id, l.productId);
      let unit: Decimal | null = null;
      let method: ProfitLine["costMethod"] = "missing";
      let receiptQty = dec(0);
      const valued = receiptsOf.get(k) ?? [];
      if (valued.length) {
        let total: Decimal | null = dec(0);
        for (const r of valued) {
          receiptQty = receiptQty.plus(r.qty);
          const u = toQuote(r.amount, r.currency);
          total = u && total ? total.plus(u.times(r.qty)) : null;
        }
        if (total) unit = total.div(receiptQty);
        else costsKnown = false;
        method = "movingAverage";
      } else if (onDateOf.has(k)) {
        const c = onDateOf.get(k)!;
        unit = toQuote(c.amount, c.currency);
        if (!unit) costsKnown = false;
        method = "costOnDate";
      } else {
        missingCosts.push(l.sku);
        unit = dec(0);
      }
      if (unit) productCost = productCost.plus(unit.times(costQty));
      const pack = packagingOf.get(k);
      if (pack) {
        const pu = toQuote(pack.amount, pack.currency);
        if (pu) packagingCost = packagingCost.plus(pu.times(l.quantity));
        else costsKnown = false;
      }
      return {
        sku: l.sku,
        quantity: dec(l.quantity).toFixed(),
        costQuantity: costQty.toFixed(),
        unitCost: method === "missing" ? null : unit ? unit.toDecimalPlaces(6).toFixed() : null,
        costMethod: method,
        receiptQty: receiptQty.toFixed(),
        packagingUnitCost: pack?.amount ?? null,
        packagingCurrency: pack?.currency ?? null,
      };
    });

    const myCharges = charges.filter((c) => c.orderId === h.id);
    const chargeSum = (kind: OrderChargeKind): Decimal | null => {
      const byCur = new Map<string, Decimal>();
      for (const c of myCharges) if (c.kind === kind) byCur.set(c.currency, (byCur.get(c.currency) ?? dec(0)).plus(c.amount));
      let total: Decimal | null = dec(0);
      // Each currency's sum converted and rounded on its own, as a statement in that currency would show it.
      for (const [cur, amount] of byCur) {
        const q = toQuote(amount, cur);
        total = q && total ? total.plus(roundMoney(q, quote)) : null;
      }
      return total;
    };
    const round = (v: Decimal | null) => (v ? roundMoney(v, quote) : null);
    const itemsRevenue = round(toQuote(h.discountTotal, currency));
    const shipping = round(toQuote(h.freight, currency));
    const refundsQ = round(toQuote(refundOriginal, currency));
    const platformFees = round(chargeSum("platform_fee"));
    const freight = round(chargeSum("freight"));
    const otherCosts = round(chargeSum("other"));
    const productCostQ = costsKnown ? roundMoney(productCost, quote) : null;
    const packagingQ = costsKnown ? roundMoney(packagingCost, quote) : null;
    const parts = [itemsRevenue, shipping, refundsQ, platformFees, freight, otherCosts, productCostQ, packagingQ];
    const complete = parts.every((p) => p !== null) && missingRates.size === 0;
    let profit: string | null = null;
    let margin: string | null = null;
    if (complete) {
      const net = dec(itemsRevenue!).plus(shipping!).minus(refundsQ!);
      const p = net.minus(platformFees!).minus(productCostQ!).minus(freight!).minus(packagingQ!).minus(otherCosts!);
      profit = roundMoney(p, quote);
      margin = net.gt(0) ? p.div(net).times(100).toDecimalPlaces(2).toFixed(2) : null;
    }
    return {
      orderId: h.id,
      orderNo: h.orderNo,
      status: h.status,
      createdAt: h.createdAt,
      day: h.day,
      platform: h.platform ?? h.source,
      accountId: h.accountId,
      shopAlias: h.shopAlias,
      country: h.country,
      currency,
      reportingCurrency: quote,
      original: {
        itemsRevenue: roundMoney(h.discountTotal, currency),
        shipping: roundMoney(h.freight, currency),
        refunds: roundMoney(refundOriginal, currency),
      },
      itemsRevenue,
      shipping,
      refunds: refundsQ,
      platformFees,
      productCost: productCostQ,
      freight,
      packaging: packagingQ,
      otherCosts,
      profit,
      margin,
      ratesUsed: [...used.values()].sort((a, b) => a.currency.localeCompare(b.currency)),
      missingRates: [...missingRates].sort(),
      missingCosts: [...new Set(missingCosts)],
      lines: profitLines,
      charges: myCharges.map(({ orderId: _o, ...c }) => c),
      refundReturns: [...new Set(refundLines.map((r) => r.returnNo))],
    };
  });
}

/** The SKU cost of a kind in force on each order's day (merchant time zone). */
function costOnOrderDay(ctx: OrgScope, ids: SQL, tz: string, kind: "purchase" | "packaging") {
  return ctx.db.execute<{ orderId: string; productId: string; currency: string; amount: string; effectiveFrom: string }>(sql`
    with x as (
      select distinct ol.order_id, ol.product_id, (o.created_at at time zone ${tz})::date as day
      from order_lines ol join orders o on o.org_id = ol.org_id and o.id = ol.order_id
      where ol.org_id = ${ctx.orgId} and ol.order_id in (${ids}))
    select x.order_id as "orderId", x.product_id as "productId", c.currency, c.amount, c.effective_from::text as "effectiveFrom"
    from x join lateral (
      select sc.currency, sc.amount, sc.effective_from from sku_costs sc
      where sc.org_id = ${ctx.orgId} and sc.product_id = x.product_id and sc.kind = ${kind} and sc.effective_from <= x.day
      order by sc.effective_from desc limit 1) c on true`);
}
