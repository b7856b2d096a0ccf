import { and, eq, inArray, ne, sql } from "drizzle-orm";
import { orderCharges, outboundOrders } from "@/db/schema";
import { dec } from "@/lib/decimal";
import { isIsoCurrency, minorUnit, roundMoney } from "@/lib/finance/currency";
import { can } from "@/lib/permissions";
import { FreightBillImportInput, currencyInput, dateInput } from "@/lib/validators/finance";
import { actorUserId, inTransaction, type ServiceContext, type TxContext } from "@/server/context";
import { fieldError, forbidden } from "@/server/errors";
import { importSummary, loadRows, optional, validateRows, type ImportResult } from "../_lib/import-rows";
import { getPrecision, parseDecimalField } from "../_lib/precision";
import type { ColumnSpec } from "../_lib/tabular";
import type { Precision } from "@/lib/precision";
import { reportingCurrency } from "./settings";

/**
 * 物流成本 per outbound order: entered with the shipment (`shipping`, one per outbound order) or from a
 * carrier's bill (`carrier_bill`, one per bill number and tracking number). Both are `freight` order
 * charges of the outbound's order, so order profit counts them like any other freight. The bill is
 * what the carrier actually charged: importing it replaces the freight entered on shipping for the same
 * outbound order (never both), and importing the same bill again updates its lines instead of adding
 * them twice.
 */

/** An amount in a currency: ISO code, the merchant's amount precision and the currency's minor unit. */
function parseFreight(amountRaw: unknown, currencyRaw: unknown, fields: { amount: string; currency: string }, precision: Precision) {
  const parsedCurrency = currencyInput.safeParse(currencyRaw);
  if (!parsedCurrency.success) throw fieldError(fields.currency, "currencyFormat");
  const currency = parsedCurrency.data;
  if (!isIsoCurrency(currency)) throw fieldError(fields.currency, "currencyUnknown", { currency });
  const amount = parseDecimalField(amountRaw, fields.amount, precision, "amount");
  const scale = minorUnit(currency);
  if (dec(amount).decimalPlaces() > scale) throw fieldError(fields.amount, "amountMinorUnit", { currency, scale });
  return { amount, currency };
}

/**
 * The freight entered when an outbound order ships (in the shipping transaction). Only finance staff
 * may write a cost; an empty amount writes nothing. Shipping happens once per outbound order, so there
 * is at most one such charge per outbound (a partial unique index holds it).
 */
export async function recordShippingFreight(
  ctx: TxContext,
  outbound: { id: string; orderId: string; outboundNo: string },
  freight: { amount: string | number | null | undefined; currency: string | null | undefined },
) {
  if (freight.amount === null || freight.amount === undefined || freight.amount === "") return null;
  if (!can(ctx.role, "finance.write")) throw forbidden("finance.write");
  const precision = await getPrecision(ctx);
  const { amount, currency } = parseFreight(freight.amount, freight.currency || (await reportingCurrency(ctx)), { amount: "freight", currency: "freightCurrency" }, precision);
  const [row] = await ctx.db
    .insert(orderCharges)
    .values({
      orgId: ctx.orgId,
      orderId: outbound.orderId,
      kind: "freight",
      currency,
      amount,
      remark: outbound.outboundNo,
      source: "shipping",
      outboundId: outbound.id,
      createdBy: actorUserId(ctx),
    })
    .returning();
  return row!;
}

export const FREIGHT_BILL_COLUMNS: ColumnSpec[] = [
  { key: "trackingNumber", header: "跟踪号 Tracking number", aliases: ["跟踪号", "运单号", "快递单号", "物流单号", "tracking", "trackingno", "trackingnumber", "waybill", "awb"] },
  { key: "outboundNo", header: "出库单号 Outbound number", aliases: ["出库单号", "出库单", "outbound", "outboundno"] },
  { key: "amount", header: "运费 Amount", aliases: ["运费", "金额", "费用", "amount", "freight", "charge", "total"] },
  { key: "currency", header: "币种 Currency", aliases: ["币种", "货币", "currency"] },
  { key: "billDate", header: "账单日期 Bill date", aliases: ["账单日期", "日期", "billdate", "date", "invoicedate"] },
  { key: "billRef", header: "账单号 Bill number", aliases: ["账单号", "账单编号", "billno", "billnumber", "bill", "invoice", "invoiceno"] },
];

type FreightLine = {
  billRef: string;
  trackingNumber: string;
  billDate: string | null;
  amount: string;
  currency: string;
  outboundId: string;
  outboundNo: string;
  orderId: string;
  orderNo: string;
};

type OutboundMatch = { id: string; outboundNo: string; orderId: string; orderNo: string; trackingNumber: string };

/** The merchant's outbound orders (not cancelled) carrying any of these tracking numbers. */
async function outboundsByTracking(ctx: ServiceContext, trackingNumbers: string[]) {
  const unique = [...new Set(trackingNumbers.filter(Boolean))];
  const out = new Map<string, OutboundMatch[]>();
  for (let i = 0; i < unique.length; i += 1000) {
    const rows = await ctx.db
      .select({ id: outboundOrders.id, outboundNo: outboundOrders.outboundNo, orderId: outboundOrders.orderId, orderNo: outboundOrders.orderNo, trackingNumber: outboundOrders.trackingNumber })
      .from(outboundOrders)
      .where(and(eq(outboundOrders.orgId, ctx.orgId), inArray(outboundOrders.trackingNumber, unique.slice(i, i + 1000)), ne(outboundOrders.status, "cancelled")))
      .orderBy(outboundOrders.outboundNo);
    for (const r of rows) {
      const list = out.get(r.trackingNumber!) ?? [];
      list.push({ ...r, trackingNumber: r.trackingNumber! });
      out.set(r.trackingNumber!, list);
    }
  }
  return out;
}

/**
 * 导入运费账单 (CSV/XLSX), row by row: each row's tracking number is matched to the merchant's outbound
 * order (an outbound number column picks one when a tracking number is on several); an unknown or
 * ambiguous tracking number, a bad amount (format, sign, more decimals than the merchant's amount
 * precision or the currency's minor unit), an unknown currency or a missing bill number is that row's
 * error and the row is skipped. The valid rows are written in one transaction as freight charges of
 * the outbound's order, keyed by (bill number, tracking number): the same bill imported again updates
 * its lines (created 0, updated n). A preview (`commit: false`) writes nothing.
 */
export async function importFreightBill(ctx: ServiceContext, input: FreightBillImportInput): Promise<ImportResult> {
  const { rows } = await loadRows(input, FREIGHT_BILL_COLUMNS);
  const parsed = FreightBillImportInput.parse(input);
  const [precision, reporting] = await Promise.all([getPrecision(ctx), reportingCurrency(ctx)]);
  const matches = await outboundsByTracking(ctx, rows.map((r) => (r.trackingNumber ?? "").trim()));
  const { valid, errors } = validateRows(
    rows,
    FREIGHT_BILL_COLUMNS,
    (r): FreightLine => {
      const trackingNumber = (r.trackingNumber ?? "").trim();
      if (!trackingNumber) throw fieldError("trackingNumber", "required");
      if (trackingNumber.length > 100) throw fieldError("trackingNumber", "tooLong");
      const billRef = (r.billRef ?? "").trim() || parsed.billRef;
      if (!billRef) throw fieldError("billRef", "required");
      if (billRef.length > 60) throw fieldError("billRef", "tooLong");
      const { amount, currency } = parseFreight(r.amount ?? "", optional((r.currency ?? "").trim()) ?? reporting, { amount: "amount", currency: "currency" }, precision);
      const billDateText = optional((r.billDate ?? "").trim());
      let billDate: string | null = null;
      if (billDateText) {
        const d = dateInput.safeParse(billDateText);
        if (!d.success) throw fieldError("billDate", "dateFormat");
        billDate = d.data;
      }
      const candidates = matches.get(trackingNumber) ?? [];
      const outboundNo = (r.outboundNo ?? "").trim();
      let match: OutboundMatch | undefined;
      if (outboundNo) {
        match = candidates.find((c) => c.outboundNo === outboundNo);
        if (!match) {
          if (candidates.length === 0) throw fieldError("trackingNumber", "freightTrackingUnknown", { tracking: trackingNumber });
          throw fieldError("outboundNo", "freightOutboundMismatch", { outbound: outboundNo, tracking: trackingNumber });
        }
      } else {
        if (candidates.length === 0) throw fieldError("trackingNumber", "freightTrackingUnknown", { tracking: trackingNumber });
        if (candidates.length > 1) throw fieldError("trackingNumber", "freightTrackingAmbiguous", { tracking: trackingNumber, outbounds: candidates.map((c) => c.outboundNo).join(", ") });
        match = candidates[0]!;
      }
      return { billRef, trackingNumber, billDate, amount, currency, outboundId: match.id, outboundNo: match.outboundNo, orderId: match.orderId, orderNo: match.orderNo };
    },
    { key: (v) => `${v.billRef}\u0000${v.trackingNumber}`, field: "trackingNumber" },
  );
  const commit = parsed.commit && valid.length > 0;
  const written = commit ? await writeFreightLines(ctx, valid.map((v) => v.values)) : { created: 0, updated: 0 };
  // The preview shows what each valid row matched (outbound and order), the bad rows as they were.
  const matched = new Map(valid.map((v) => [v.row, v.values]));
  const preview = rows.map((r, i) => {
    const m = matched.get(i + 2);
    return m ? { ...r, billRef: m.billRef, amount: roundMoney(m.amount, m.currency), currency: m.currency, outboundNo: m.outboundNo, orderNo: m.orderNo } : { ...r, orderNo: "" };
  });
  return importSummary(preview, valid.length, errors, written, commit);
}

/** One transaction: upsert by (bill, tracking number); the shipping freight of those outbounds is replaced. */
async function writeFreightLines(ctx: ServiceContext, lines: FreightLine[]) {
  let created = 0;
  let updated = 0;
  await inTransaction(ctx, async (tx) => {
    for (let i = 0; i < lines.length; i += 500) {
      const chunk = lines.slice(i, i + 500);
      const res = await tx.db
        .insert(orderCharges)
        .values(
          chunk.map((l) => ({
            orgId: tx.orgId,
            orderId: l.orderId,
            kind: "freight" as const,
            currency: l.currency,
            amount: l.amount,
            remark: `${l.billRef} · ${l.trackingNumber}`,
            source: "carrier_bill" as const,
            outboundId: l.outboundId,
            billRef: l.billRef,
            trackingNumber: l.trackingNumber,
            billDate: l.billDate,
            createdBy: actorUserId(tx),
          })),
        )
        .onConflictDoUpdate({
          target: [orderCharges.orgId, orderCharges.billRef, orderCharges.trackingNumber],
          targetWhere: sql`source = 'carrier_bill'`,
          set: {
            orderId: sql`excluded.order_id`,
            outboundId: sql`excluded.outbound_id`,
            currency: sql`excluded.currency`,
            amount: sql`excluded.amount`,
            billDate: sql`excluded.bill_date`,
            remark: sql`excluded.remark`,
            updatedAt: sql`now()`,
          },
        })
        .returning({ inserted: sql<boolean>`(xmax = 0)` });
      for (const r of res) if (r.inserted) created++;
      else updated++;
      await tx.db
        .delete(orderCharges)
        .where(and(eq(orderCharges.orgId, tx.orgId), eq(orderCharges.source, "shipping"), inArray(orderCharges.outboundId, [...new Set(chunk.map((l) => l.outboundId))])));
    }
  });
  return { created, updated };
}
