import { and, eq, sql, type SQL } from "drizzle-orm";
import { type z } from "zod";
import { orderAttachments, orders, payments } from "@/db/schema";
import { dec, type Decimal } from "@/lib/decimal";
import { RECEIVABLE_SOURCES } from "@/lib/finance/kinds";
import {
  CustomerStatementInput,
  PaymentInput,
  ReceivablesListInput,
  VoidPaymentInput,
} from "@/lib/validators/finance";
import { actorUserId, inTransaction, type OrgScope, type ServiceContext } from "@/server/context";
import { DomainError, conflict, fieldError, notFound } from "@/server/errors";
import { decodeCursor, encodeCursor } from "../_lib/keyset";
import { likeContains } from "../_lib/like";
import { parseDecimalField } from "../_lib/precision";
import { asReport } from "../_lib/report";
import { merchantSettings } from "../_lib/settings";
import { writeTable, type ColumnSpec, type TableFormat } from "../_lib/tabular";
import { reportingCurrency } from "./settings";

/**
 * 应收 (receivables) of manual and open-API orders: what a customer owes is the order's 应收合计
 * (结算价 + 运费: `discount_total + freight`, the figure the order form shows) of every order that is
 * not closed or voided; payments (not voided) reduce it. Platform orders are settled by their platform
 * and are not receivables. Ageing buckets the open amount of each order by its age in days: today minus
 * the order's day, both in the merchant's time zone.
 */

const OPEN_STATUSES_SQL = sql`o.status not in ('closed', 'voided')`;
const SOURCES_SQL = sql`o.source in (${sql.join(RECEIVABLE_SOURCES.map((s) => sql`${s}`), sql`, `)})`;

/** Shows a stored amount with at least the merchant's amount decimals (a payment may carry price decimals). */
const fmtWith = (scale: number) => (v: Decimal.Value) => {
  const d = dec(v);
  return d.toFixed(Math.max(scale, d.decimalPlaces()));
};

const isReceivable = (o: { source: string }) => (RECEIVABLE_SOURCES as readonly string[]).includes(o.source);

async function paidOf(ctx: OrgScope, orderId: string): Promise<Decimal> {
  const [row] = await ctx.db
    .select({ s: sql<string>`coalesce(sum(${payments.amount}), 0)::text` })
    .from(payments)
    .where(and(eq(payments.orgId, ctx.orgId), eq(payments.orderId, orderId), eq(payments.voided, false)));
  return dec(row?.s ?? "0");
}

/** 登记收款: a full or partial payment; more than the open balance is refused, never recorded. */
export async function recordPayment(ctx: ServiceContext, raw: PaymentInput) {
  const input = PaymentInput.parse(raw);
  const settings = await merchantSettings(ctx);
  const amount = parseDecimalField(input.amount, "amount", settings, "price", { positive: true });
  const currency = await reportingCurrency(ctx);
  return inTransaction(ctx, async (tx) => {
    const [order] = await tx.db
      .select()
      .from(orders)
      .where(and(eq(orders.orgId, tx.orgId), eq(orders.id, input.orderId)))
      .for("update");
    if (!order) throw notFound("order");
    if (!isReceivable(order)) throw new DomainError("VALIDATION", { key: "paymentPlatformOrder" });
    if (order.status === "closed" || order.status === "voided") throw conflict("orderId", "paymentOrderClosed");
    if (!order.customerId) throw new DomainError("VALIDATION", { key: "paymentNoCustomer" });
    const total = dec(order.discountTotal).plus(order.freight);
    const open = total.minus(await paidOf(tx, order.id));
    const fmt = fmtWith(settings.amountDecimals);
    if (dec(amount).gt(open)) throw fieldError("amount", "paymentExceedsBalance", { open: fmt(open) });
    if (input.attachmentId) {
      const [att] = await tx.db
        .select({ id: orderAttachments.id })
        .from(orderAttachments)
        .where(and(eq(orderAttachments.orgId, tx.orgId), eq(orderAttachments.id, input.attachmentId), eq(orderAttachments.orderId, order.id)));
      if (!att) throw fieldError("attachmentId", "paymentAttachmentNotOfOrder");
    }
    const [row] = await tx.db
      .insert(payments)
      .values({
        orgId: tx.orgId,
        orderId: order.id,
        customerId: order.customerId,
        amount,
        currency,
        method: input.method,
        paidOn: input.paidOn,
        note: input.note,
        attachmentId: input.attachmentId ?? null,
        createdBy: actorUserId(tx),
      })
      .returning();
    return row!;
  });
}

/** 作废收款: kept with its reason, counts for nothing from then on. */
export async function voidPayment(ctx: ServiceContext, raw: VoidPaymentInput) {
  const input = VoidPaymentInput.parse(raw);
  const [row] = await ctx.db
    .update(payments)
    .set({ voided: true, voidReason: input.reason, voidedAt: new Date(), voidedBy: actorUserId(ctx) })
    .where(and(eq(payments.orgId, ctx.orgId), eq(payments.id, input.id), eq(payments.voided, false)))
    .returning();
  if (row) return row;
  const [exists] = await ctx.db.select({ id: payments.id }).from(payments).where(and(eq(payments.orgId, ctx.orgId), eq(payments.id, input.id)));
  if (!exists) throw notFound("payment");
  throw conflict("id", "paymentAlreadyVoided");
}

/** The order's payments (voided ones too, marked) and its receivable: total, paid, open. */
export async function paymentsOfOrder(ctx: ServiceContext, orderId: string) {
  const [order] = await ctx.db
    .select({ id: orders.id, source: orders.source, status: orders.status, discountTotal: orders.discountTotal, freight: orders.freight, customerId: orders.customerId })
    .from(orders)
    .where(and(eq(orders.orgId, ctx.orgId), eq(orders.id, orderId)));
  if (!order) throw notFound("order");
  const settings = await merchantSettings(ctx);
  const fmt = fmtWith(settings.amountDecimals);
  const rows = await ctx.db
    .select({
      id: payments.id,
      amount: payments.amount,
      currency: payments.currency,
      method: payments.method,
      paidOn: payments.paidOn,
      note: payments.note,
      attachmentId: payments.attachmentId,
      attachmentName: orderAttachments.fileName,
      voided: payments.voided,
      voidReason: payments.voidReason,
      voidedAt: payments.voidedAt,
      createdAt: payments.createdAt,
    })
    .from(payments)
    .leftJoin(orderAttachments, and(eq(orderAttachments.orgId, payments.orgId), eq(orderAttachments.id, payments.attachmentId)))
    .where(and(eq(payments.orgId, ctx.orgId), eq(payments.orderId, orderId)))
    .orderBy(payments.createdAt, payments.id);
  const counts = order.status !== "closed" && order.status !== "voided";
  const total = counts ? dec(order.discountTotal).plus(order.freight) : dec(0);
  const paid = rows.filter((p) => !p.voided).reduce((a, p) => a.plus(p.amount), dec(0));
  return {
    receivable: isReceivable(order),
    open: counts && isReceivable(order),
    currency: await reportingCurrency(ctx),
    total: fmt(total),
    paid: fmt(paid),
    balance: fmt(total.minus(paid)),
    payments: rows.map((p) => ({ ...p, amount: fmt(p.amount) })),
  };
}

/** Ageing of the open amount by the order's age in days: 0–30, 31–60, 61–90, over 90. */
export const AGE_BUCKETS = ["age0to30", "age31to60", "age61to90", "age90plus"] as const;
export type AgeBucket = (typeof AGE_BUCKETS)[number];

type BalanceRow = {
  id: string;
  clientNum: string;
  companyName: string;
  orders: number;
  ordered: string;
  paid: string;
  open: string;
} & Record<AgeBucket, string>;

/** Per receivable order of the merchant (filtered): its total, paid and age in days. */
function receivableOrders(ctx: OrgScope, tz: string, where: SQL = sql`true`) {
  return sql`
    select o.id, o.customer_id, o.order_no, o.status, o.created_at,
      to_char((o.created_at at time zone ${tz})::date, 'YYYY-MM-DD') as day,
      (o.discount_total + o.freight) as total,
      coalesce((select sum(p.amount) from payments p where p.org_id = o.org_id and p.order_id = o.id and not p.voided), 0) as paid,
      ((now() at time zone ${tz})::date - (o.created_at at time zone ${tz})::date) as age
    from orders o
    where o.org_id = ${ctx.orgId} and ${SOURCES_SQL} and ${OPEN_STATUSES_SQL} and o.customer_id is not null and ${where}`;
}

const balanceSelect = sql`
  count(r.id)::int as orders,
  coalesce(sum(r.total), 0)::text as ordered,
  coalesce(sum(r.paid), 0)::text as paid,
  coalesce(sum(r.total - r.paid), 0)::text as open,
  coalesce(sum(r.total - r.paid) filter (where r.age <= 30), 0)::text as "age0to30",
  coalesce(sum(r.total - r.paid) filter (where r.age between 31 and 60), 0)::text as "age31to60",
  coalesce(sum(r.total - r.paid) filter (where r.age between 61 and 90), 0)::text as "age61to90",
  coalesce(sum(r.total - r.paid) filter (where r.age > 90), 0)::text as "age90plus"`;

const formatBalance = (fmt: (v: Decimal.Value) => string) => (r: BalanceRow): BalanceRow => ({
  ...r,
  ordered: fmt(r.ordered),
  paid: fmt(r.paid),
  open: fmt(r.open),
  age0to30: fmt(r.age0to30),
  age31to60: fmt(r.age31to60),
  age61to90: fmt(r.age61to90),
  age90plus: fmt(r.age90plus),
});

/**
 * 应收: balance per customer (ordered, paid, open) with the open amount in ageing buckets; keyset over
 * the customer number (unique per merchant), filtered by search and "open only".
 */
export async function listReceivables(ctx: ServiceContext, raw: z.input<typeof ReceivablesListInput>) {
  const input = ReceivablesListInput.parse(raw);
  const settings = await merchantSettings(ctx);
  const cursor = decodeCursor(input.cursor);
  const conds: SQL[] = [sql`c.org_id = ${ctx.orgId}`];
  if (input.search) conds.push(sql`(c.client_num ilike ${likeContains(input.search)} or c.company_name ilike ${likeContains(input.search)})`);
  if (cursor) conds.push(sql`(c.client_num, c.id) > (${cursor.v ?? ""}, ${cursor.id}::uuid)`);
  const rows = await ctx.db.execute<BalanceRow>(sql`
    select c.id, c.client_num as "clientNum", c.company_name as "companyName", ${balanceSelect}
    from customers c
    join (${receivableOrders(ctx, settings.timezone)}) r on r.customer_id = c.id
    where ${sql.join(conds, sql` and `)}
    group by c.id, c.client_num, c.company_name
    ${input.openOnly ? sql`having sum(r.total - r.paid) > 0` : sql``}
    order by c.client_num, c.id
    limit ${input.limit + 1}`);
  const list = [...rows];
  const hasMore = list.length > input.limit;
  const items = list.slice(0, input.limit).map(formatBalance(fmtWith(settings.amountDecimals)));
  const last = items[items.length - 1];
  return {
    currency: await reportingCurrency(ctx),
    items,
    nextCursor: hasMore && last ? encodeCursor({ v: last.clientNum, id: last.id }) : null,
  };
}

/** Totals of every customer's receivables (the list's totals row), same buckets. */
export const receivablesTotals = (ctx: ServiceContext) =>
  asReport(ctx, async (c) => {
    const settings = await merchantSettings(c);
    const [row] = await c.db.execute<BalanceRow>(sql`select ${balanceSelect} from (${receivableOrders(c, settings.timezone)}) r`);
    const fmt = fmtWith(settings.amountDecimals);
    return { currency: await reportingCurrency(c), ...formatBalance(fmt)({ ...row!, id: "", clientNum: "", companyName: "" }) };
  });

/** 对账单: a customer's receivable orders (each with paid/open and age) and payments (voided ones marked), with the balance. */
export async function customerStatement(ctx: ServiceContext, raw: z.input<typeof CustomerStatementInput>) {
  const { customerId } = CustomerStatementInput.parse(raw);
  const settings = await merchantSettings(ctx);
  const fmt = fmtWith(settings.amountDecimals);
  const [customer] = await ctx.db.execute<{ id: string; clientNum: string; companyName: string }>(
    sql`select id, client_num as "clientNum", company_name as "companyName" from customers where org_id = ${ctx.orgId} and id = ${customerId}`,
  );
  if (!customer) throw notFound("customer");
  const orderRows = await ctx.db.execute<{ id: string; orderNo: string; status: string; day: string; total: string; paid: string; age: number }>(sql`
    select r.id, r.order_no as "orderNo", r.status, r.day, r.total::text as total, r.paid::text as paid, r.age
    from (${receivableOrders(ctx, settings.timezone, sql`o.customer_id = ${customerId}`)}) r
    order by r.created_at, r.id`);
  const paymentRows = await ctx.db.execute<{
    id: string; orderId: string; orderNo: string; amount: string; currency: string; method: string; paidOn: string; note: string; voided: boolean; voidReason: string | null;
  }>(sql`
    select p.id, p.order_id as "orderId", o.order_no as "orderNo", p.amount::text as amount, p.currency, p.method,
      p.paid_on::text as "paidOn", p.note, p.voided, p.void_reason as "voidReason"
    from payments p join orders o on o.org_id = p.org_id and o.id = p.order_id
    where p.org_id = ${ctx.orgId} and p.customer_id = ${customerId} and ${OPEN_STATUSES_SQL}
    order by p.paid_on, p.created_at, p.id`);
  const ordersOut = [...orderRows].map((o) => ({ ...o, total: fmt(o.total), paid: fmt(o.paid), open: fmt(dec(o.total).minus(o.paid)) }));
  const ordered = ordersOut.reduce((a, o) => a.plus(o.total), dec(0));
  const paid = ordersOut.reduce((a, o) => a.plus(o.paid), dec(0));
  return {
    customer,
    currency: await reportingCurrency(ctx),
    ordered: fmt(ordered),
    paid: fmt(paid),
    open: fmt(ordered.minus(paid)),
    orders: ordersOut,
    payments: [...paymentRows].map((p) => ({ ...p, amount: fmt(p.amount) })),
  };
}

export const STATEMENT_COLUMNS: ColumnSpec[] = [
  { key: "date", header: "日期 Date" },
  { key: "kind", header: "类型 Type" },
  { key: "orderNo", header: "订单号 Order no." },
  { key: "method", header: "收款方式 Method" },
  { key: "charged", header: "应收 Charged" },
  { key: "received", header: "已收 Received" },
  { key: "balance", header: "余额 Balance" },
  { key: "currency", header: "币种 Currency" },
  { key: "note", header: "备注 Note" },
];

/**
 * The statement as a ledger (orders charged on their day, payments received on theirs, running balance,
 * voided payments listed for the record and counted for nothing) with a closing row; cells formula-safe.
 */
export const exportCustomerStatement = (ctx: ServiceContext, format: TableFormat, raw: z.input<typeof CustomerStatementInput>) =>
  asReport(ctx, async (c) => {
    const st = await customerStatement(c, raw);
    const entries = [
      ...st.orders.map((o) => ({ date: o.day, order: 0, kind: "订单 Order", orderNo: o.orderNo, method: "", charged: o.total, received: "", note: "" })),
      ...st.payments.map((p) => ({
        date: p.paidOn,
        order: 1,
        kind: p.voided ? "收款(已作废) Payment (voided)" : "收款 Payment",
        orderNo: p.orderNo,
        method: p.method,
        charged: "",
        received: p.voided ? "" : p.amount,
        note: p.voided ? `${p.note ? `${p.note} · ` : ""}作废 Voided: ${p.voidReason ?? ""}` : p.note,
      })),
    ].sort((a, b) => (a.date === b.date ? a.order - b.order : a.date < b.date ? -1 : 1));
    let balance = dec(0);
    const fmt = (v: Decimal) => v.toFixed(Math.max(2, v.decimalPlaces()));
    const rows: Record<string, unknown>[] = entries.map((e) => {
      balance = balance.plus(e.charged || 0).minus(e.received || 0);
      return { ...e, balance: fmt(balance), currency: st.currency };
    });
    rows.push({ date: "", kind: "合计 Total", orderNo: `${st.customer.clientNum} ${st.customer.companyName}`, charged: st.ordered, received: st.paid, balance: st.open, currency: st.currency });
    return { customer: st.customer, body: await writeTable(format, STATEMENT_COLUMNS, rows) };
  });
