import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import { type z } from "zod";
import { orderCharges, settlementLines, settlements } from "@/db/schema";
import { checkDecimal, dec } from "@/lib/decimal";
import { PLATFORM_FEE_LINE_TYPES, SETTLEMENT_LINE_TYPES, type SettlementLineType } from "@/lib/finance/kinds";
import {
  MissingSettlementListInput,
  SettlementFilter,
  SettlementListInput,
  UnmatchedLineListInput,
} from "@/lib/validators/settlements";
import { type ImportInput } from "@/lib/validators/tabular";
import type { NormalizedSettlement } from "@/server/channels/types";
import { inTransaction, type OrgScope, type ServiceContext, type TxContext } from "@/server/context";
import { DomainError, fieldError, notFound } from "@/server/errors";
import { importSummary, loadRows, rowErrorsFrom, sheetRow, type ImportResult, type RowError } from "../_lib/import-rows";
import { countCapped, decodeCursor, encodeCursor } from "../_lib/keyset";
import type { ColumnSpec } from "../_lib/tabular";

/**
 * 平台结算 and 对账: settlements (payouts) and their lines from the connectors and from settlement
 * files, attached to platform orders, and what profit takes from them.
 *
 * - Idempotent on the platform's ids: a settlement is (merchant, platform, payout id), a line (settlement,
 *   the platform's line id); a second pull or import of the same payout updates it in place.
 * - expected = the sum of a payout's lines in its currency; received = what the platform says it paid.
 * - Platform fees: an order's lines of PLATFORM_FEE_LINE_TYPES, negated and summed per currency, are its
 *   `platform_fee` order charges (source `settlement`); the settlement is authoritative, so they replace
 *   the order's typed-in platform fees. Profit keeps reading order_charges as before.
 */

type Src = { platform: string; accountId: string | null; source: "api" | "import" };

/** Store a page of settlements with their lines in one transaction; attach lines and refresh fees. */
export async function storeSettlements(ctx: ServiceContext, src: Src, items: NormalizedSettlement[]) {
  if (items.length === 0) return { settlements: 0, lines: 0, orderIds: [] as string[] };
  return inTransaction(ctx, async (tx) => {
    const org = tx.orgId;
    // A settlement whose currency the platform did not name takes its orders' (Shopee's order_income has none).
    const unnamed = items.filter((s) => !s.currency).flatMap((s) => s.lines.map((l) => l.platformOrderId).filter(Boolean));
    const orderCurrency = new Map<string, string>();
    if (unnamed.length) {
      const rows = await tx.db.execute<{ pid: string; currency: string }>(sql`
        select platform_order_id as pid, currency from platform_orders
        where org_id = ${org} and platform = ${src.platform} and platform_order_id in ${unnamed} and currency <> ''`);
      for (const r of rows) orderCurrency.set(r.pid, r.currency);
    }
    const ids: string[] = [];
    let lineCount = 0;
    for (const s of items) {
      const currency = s.currency || s.lines.map((l) => orderCurrency.get(l.platformOrderId)).find(Boolean) || "";
      if (!currency) throw new DomainError("VALIDATION", { key: "settlementNoCurrency", params: { id: s.externalId } });
      const [row] = await tx.db
        .insert(settlements)
        .values({
          orgId: org,
          accountId: src.accountId,
          platform: src.platform,
          externalId: s.externalId,
          settledAt: s.settledAt,
          currency,
          receivedAmount: s.receivedAmount,
          status: s.status,
          platformStatus: s.platformStatus,
          source: src.source,
        })
        .onConflictDoUpdate({
          target: [settlements.orgId, settlements.platform, settlements.externalId],
          set: {
            settledAt: sql`excluded.settled_at`,
            currency: sql`excluded.currency`,
            receivedAmount: sql`excluded.received_amount`,
            status: sql`excluded.status`,
            platformStatus: sql`excluded.platform_status`,
            accountId: sql`coalesce(excluded.account_id, ${settlements.accountId})`,
            updatedAt: sql`now()`,
          },
        })
        .returning({ id: settlements.id });
      ids.push(row!.id);
      const lines = s.lines.map((l) => ({
        orgId: org,
        settlementId: row!.id,
        externalLineId: l.externalLineId,
        platformOrderId: l.platformOrderId,
        type: l.type,
        platformType: l.platformType,
        currency: l.currency || currency,
        amount: l.amount,
        postedAt: l.postedAt,
        description: l.description,
      }));
      for (let i = 0; i < lines.length; i += 500) {
        await tx.db
          .insert(settlementLines)
          .values(lines.slice(i, i + 500))
          .onConflictDoUpdate({
            target: [settlementLines.orgId, settlementLines.settlementId, settlementLines.externalLineId],
            set: {
              platformOrderId: sql`excluded.platform_order_id`,
              type: sql`excluded.type`,
              platformType: sql`excluded.platform_type`,
              currency: sql`excluded.currency`,
              amount: sql`excluded.amount`,
              postedAt: sql`excluded.posted_at`,
              description: sql`excluded.description`,
              updatedAt: sql`now()`,
            },
          });
      }
      lineCount += lines.length;
    }
    await tx.db.execute(sql`
      update settlements s set expected_amount = coalesce((
        select sum(l.amount) from settlement_lines l where l.org_id = s.org_id and l.settlement_id = s.id and l.currency = s.currency), 0)
      where s.org_id = ${org} and s.id in ${ids}`);
    const attached = await attachLines(tx, sql`l.settlement_id in ${ids}`);
    const orderIds = await ordersOfSettlements(tx, ids);
    await applySettlementFees(tx, [...new Set([...orderIds, ...attached])]);
    return { settlements: items.length, lines: lineCount, orderIds };
  });
}

async function ordersOfSettlements(ctx: OrgScope, ids: string[]) {
  const rows = await ctx.db.execute<{ orderId: string }>(sql`
    select distinct order_id as "orderId" from settlement_lines where org_id = ${ctx.orgId} and settlement_id in ${ids} and order_id is not null`);
  return rows.map((r) => r.orderId);
}

/**
 * Attach lines (matching `where`) to the platform order they name — same platform, and the settlement's
 * shop when it has one — and to that order's system order; returns the system orders newly reached.
 */
async function attachLines(ctx: OrgScope, where: SQL) {
  const rows = await ctx.db.execute<{ orderId: string | null }>(sql`
    update settlement_lines l set platform_order_ref = po.id, order_id = po.order_id, updated_at = now()
      from settlements s, platform_orders po
     where l.org_id = ${ctx.orgId} and ${where} and l.platform_order_id <> ''
       and s.org_id = l.org_id and s.id = l.settlement_id
       and po.org_id = l.org_id and po.platform = s.platform and po.platform_order_id = l.platform_order_id
       and (s.account_id is null or po.account_id = s.account_id)
       and (l.platform_order_ref is distinct from po.id or l.order_id is distinct from po.order_id)
    returning l.order_id as "orderId"`);
  return [...new Set(rows.map((r) => r.orderId).filter((x): x is string => Boolean(x)))];
}

/**
 * Lines of an account (or of the merchant's files) that name an order not attached yet — pulled or
 * converted since — attached now, and those orders' fees refreshed. Every settlement pull runs it.
 */
export async function attachPendingLines(ctx: ServiceContext, accountId: string | null) {
  return inTransaction(ctx, async (tx) => {
    const scope = accountId
      ? sql`l.settlement_id in (select id from settlements where org_id = ${tx.orgId} and account_id = ${accountId})`
      : sql`true`;
    const orderIds = await attachLines(tx, sql`(l.platform_order_ref is null or l.order_id is null) and ${scope}`);
    await applySettlementFees(tx, orderIds);
    return orderIds.length;
  });
}

/**
 * The settlement's platform fees of these orders as their `platform_fee` charges: per currency, the
 * negated sum of the fee lines (commission, service, transaction, FBA fees, less the shipping
 * subsidy). An order with fee lines loses its other platform-fee charges (typed-in estimates and the
 * previous settlement rows); an order without any keeps what it has.
 */
export async function applySettlementFees(ctx: TxContext, orderIds: string[]) {
  if (orderIds.length === 0) return;
  const org = ctx.orgId;
  const fees = await ctx.db.execute<{ orderId: string; currency: string; fee: string; payouts: string }>(sql`
    select l.order_id as "orderId", l.currency, -sum(l.amount) as fee, string_agg(distinct s.external_id, ', ') as payouts
      from settlement_lines l join settlements s on s.org_id = l.org_id and s.id = l.settlement_id
     where l.org_id = ${org} and l.order_id in ${orderIds} and l.type in ${[...PLATFORM_FEE_LINE_TYPES]}
     group by l.order_id, l.currency`);
  const settled = [...new Set(fees.map((f) => f.orderId))];
  if (settled.length === 0) return;
  await ctx.db
    .delete(orderCharges)
    .where(and(eq(orderCharges.orgId, org), inArray(orderCharges.orderId, settled), eq(orderCharges.kind, "platform_fee")));
  await ctx.db.insert(orderCharges).values(
    fees.map((f) => ({
      orgId: org,
      orderId: f.orderId,
      kind: "platform_fee" as const,
      currency: f.currency,
      amount: dec(f.fee).toFixed(),
      remark: `settlement ${f.payouts}`.slice(0, 500),
      source: "settlement" as const,
    })),
  );
}

// ---------- reconciliation (对账) ----------

function settlementWhere(ctx: OrgScope, f: z.infer<typeof SettlementFilter>): SQL {
  const parts: SQL[] = [sql`s.org_id = ${ctx.orgId}`];
  if (f.platform) parts.push(sql`s.platform = ${f.platform}`);
  if (f.accountId) parts.push(sql`s.account_id = ${f.accountId}`);
  if (f.status) parts.push(sql`s.status = ${f.status}`);
  if (f.from) parts.push(sql`s.settled_at >= ${f.from}::date`);
  if (f.to) parts.push(sql`s.settled_at < ${f.to}::date + 1`);
  if (f.mismatch) parts.push(sql`(s.received_amount is null or s.received_amount <> s.expected_amount)`);
  if (f.search) parts.push(sql`s.external_id = ${f.search.trim()}`);
  return sql.join(parts, sql` and `);
}

export type SettlementRow = {
  id: string;
  platform: string;
  accountId: string | null;
  shopAlias: string | null;
  externalId: string;
  settledAt: string;
  currency: string;
  expectedAmount: string;
  receivedAmount: string | null;
  difference: string | null;
  status: string;
  platformStatus: string;
  source: string;
  lineCount: number;
  unmatchedLines: number;
};

/** 结算单: payouts, latest first, expected vs received and how many of their lines found no order. */
export async function listSettlements(ctx: ServiceContext, raw: z.input<typeof SettlementListInput>) {
  const input = SettlementListInput.parse(raw);
  const where = settlementWhere(ctx, input);
  const cursor = decodeCursor(input.cursor);
  const after = cursor ? sql`and (s.settled_at, s.id) < (${cursor.v}::timestamptz, ${cursor.id}::uuid)` : sql``;
  const rows = await ctx.db.execute<SettlementRow & { sortKey: string }>(sql`
    select s.id, s.platform, s.account_id as "accountId", a.alias as "shopAlias", s.external_id as "externalId",
           s.settled_at as "settledAt", s.settled_at::text as "sortKey", s.currency, s.expected_amount as "expectedAmount",
           s.received_amount as "receivedAmount", (s.received_amount - s.expected_amount) as difference,
           s.status, s.platform_status as "platformStatus", s.source,
           (select count(*)::int from settlement_lines l where l.org_id = s.org_id and l.settlement_id = s.id) as "lineCount",
           (select count(*)::int from settlement_lines l where l.org_id = s.org_id and l.settlement_id = s.id
              and l.platform_order_ref is null and l.platform_order_id <> '') as "unmatchedLines"
      from settlements s left join channel_accounts a on a.org_id = s.org_id and a.id = s.account_id
     where ${where} ${after}
     order by s.settled_at desc, s.id desc
     limit ${input.limit + 1}`);
  const hasMore = rows.length > input.limit;
  const items = (hasMore ? rows.slice(0, input.limit) : [...rows]).map(({ sortKey: _s, ...r }) => ({
    ...r,
    settledAt: new Date(r.settledAt).toISOString(),
  }));
  const last = rows[Math.min(rows.length, input.limit) - 1];
  const total = await countCapped(ctx, sql`settlements s`, where);
  return { items, nextCursor: hasMore && last ? encodeCursor({ v: last.sortKey, id: last.id }) : null, total };
}

/** One payout and its lines, each with the order it was attached to. */
export async function getSettlement(ctx: ServiceContext, id: string) {
  const [s] = await ctx.db.select().from(settlements).where(and(eq(settlements.orgId, ctx.orgId), eq(settlements.id, id)));
  if (!s) throw notFound("settlement");
  const lines = await ctx.db.execute<{
    id: string;
    externalLineId: string;
    platformOrderId: string;
    platformOrderRef: string | null;
    orderId: string | null;
    orderNo: string | null;
    type: SettlementLineType;
    platformType: string;
    currency: string;
    amount: string;
    postedAt: string | null;
    description: string;
  }>(sql`
    select l.id, l.external_line_id as "externalLineId", l.platform_order_id as "platformOrderId", l.platform_order_ref as "platformOrderRef",
           l.order_id as "orderId", o.order_no as "orderNo", l.type, l.platform_type as "platformType", l.currency, l.amount,
           l.posted_at as "postedAt", l.description
      from settlement_lines l left join orders o on o.org_id = l.org_id and o.id = l.order_id
     where l.org_id = ${ctx.orgId} and l.settlement_id = ${id}
     order by l.platform_order_id, l.external_line_id`);
  return { ...s, lines: [...lines] };
}

/** 对账汇总: per currency, expected and received of the filtered payouts; and the two exception counts. */
export async function reconciliationSummary(ctx: ServiceContext, raw: z.input<typeof SettlementFilter>) {
  const f = SettlementFilter.parse(raw);
  const where = settlementWhere(ctx, f);
  const perCurrency = await ctx.db.execute<{ currency: string; settlements: number; expected: string; received: string; outstanding: string; mismatched: number }>(sql`
    select s.currency, count(*)::int as settlements, sum(s.expected_amount) as expected,
           coalesce(sum(s.received_amount), 0) as received,
           coalesce(sum(s.expected_amount) filter (where s.received_amount is null), 0) as outstanding,
           count(*) filter (where s.received_amount is null or s.received_amount <> s.expected_amount)::int as mismatched
      from settlements s where ${where} group by s.currency order by s.currency`);
  const unmatched = await countCapped(
    ctx,
    sql`settlement_lines l join settlements s on s.org_id = l.org_id and s.id = l.settlement_id`,
    sql`l.org_id = ${ctx.orgId} and l.platform_order_ref is null and l.platform_order_id <> '' and ${where}`,
  );
  const missing = await countCapped(ctx, sql`platform_orders po`, missingWhere(ctx, f));
  return {
    currencies: perCurrency.map((r) => ({
      ...r,
      expected: dec(r.expected).toFixed(),
      received: dec(r.received).toFixed(),
      outstanding: dec(r.outstanding).toFixed(),
      // Paid-out payouts only: what came in against what their lines say.
      difference: dec(r.received).minus(dec(r.expected).minus(r.outstanding)).toFixed(),
    })),
    unmatchedLines: unmatched,
    ordersMissing: missing,
  };
}

/** 结算无订单: lines naming a platform order that is not (yet) pulled, newest first. */
export async function listUnmatchedLines(ctx: ServiceContext, raw: z.input<typeof UnmatchedLineListInput>) {
  const input = UnmatchedLineListInput.parse(raw);
  const parts: SQL[] = [sql`l.org_id = ${ctx.orgId}`, sql`l.platform_order_ref is null`, sql`l.platform_order_id <> ''`];
  if (input.platform) parts.push(sql`s.platform = ${input.platform}`);
  if (input.accountId) parts.push(sql`s.account_id = ${input.accountId}`);
  if (input.search) parts.push(sql`l.platform_order_id = ${input.search.trim()}`);
  const where = sql.join(parts, sql` and `);
  const cursor = decodeCursor(input.cursor);
  const after = cursor ? sql`and (l.created_at, l.id) < (${cursor.v}::timestamptz, ${cursor.id}::uuid)` : sql``;
  const rows = await ctx.db.execute<{
    id: string;
    sortKey: string;
    settlementId: string;
    externalId: string;
    platform: string;
    shopAlias: string | null;
    platformOrderId: string;
    type: string;
    platformType: string;
    currency: string;
    amount: string;
    postedAt: string | null;
  }>(sql`
    select l.id, l.created_at::text as "sortKey", l.settlement_id as "settlementId", s.external_id as "externalId", s.platform,
           a.alias as "shopAlias", l.platform_order_id as "platformOrderId", l.type, l.platform_type as "platformType",
           l.currency, l.amount, l.posted_at as "postedAt"
      from settlement_lines l join settlements s on s.org_id = l.org_id and s.id = l.settlement_id
      left join channel_accounts a on a.org_id = s.org_id and a.id = s.account_id
     where ${where} ${after}
     order by l.created_at desc, l.id desc limit ${input.limit + 1}`);
  const hasMore = rows.length > input.limit;
  const items = (hasMore ? rows.slice(0, input.limit) : [...rows]).map(({ sortKey: _s, ...r }) => r);
  const last = rows[Math.min(rows.length, input.limit) - 1];
  const total = await countCapped(ctx, sql`settlement_lines l join settlements s on s.org_id = l.org_id and s.id = l.settlement_id`, where);
  return { items, nextCursor: hasMore && last ? encodeCursor({ v: last.sortKey, id: last.id }) : null, total };
}

/**
 * 订单缺结算: platform orders shipped or completed (what a platform settles) that no settlement line
 * names, newest first — of the shops the filter names, created in its date range.
 */
function missingWhere(ctx: OrgScope, f: { platform?: string; accountId?: string; from?: string; to?: string }) {
  const parts: SQL[] = [
    sql`po.org_id = ${ctx.orgId}`,
    sql`po.normalized_status in ('shipped', 'completed')`,
    sql`not exists (select 1 from settlement_lines l where l.org_id = po.org_id and l.platform_order_ref = po.id)`,
  ];
  if (f.platform) parts.push(sql`po.platform = ${f.platform}`);
  if (f.accountId) parts.push(sql`po.account_id = ${f.accountId}`);
  if (f.from) parts.push(sql`po.platform_created_at >= ${f.from}::date`);
  if (f.to) parts.push(sql`po.platform_created_at < ${f.to}::date + 1`);
  return sql.join(parts, sql` and `);
}

export async function listOrdersMissingSettlement(ctx: ServiceContext, raw: z.input<typeof MissingSettlementListInput>) {
  const input = MissingSettlementListInput.parse(raw);
  const where = missingWhere(ctx, input);
  const cursor = decodeCursor(input.cursor);
  const after = cursor ? sql`and (po.platform_created_at, po.id) < (${cursor.v}::timestamptz, ${cursor.id}::uuid)` : sql``;
  const rows = await ctx.db.execute<{
    id: string;
    sortKey: string;
    platform: string;
    shopAlias: string | null;
    platformOrderId: string;
    platformOrderNo: string;
    platformStatus: string;
    currency: string;
    totalAmount: string;
    platformCreatedAt: string;
    orderId: string | null;
  }>(sql`
    select po.id, po.platform_created_at::text as "sortKey", po.platform, a.alias as "shopAlias", po.platform_order_id as "platformOrderId",
           po.platform_order_no as "platformOrderNo", po.platform_status as "platformStatus", po.currency, po.total_amount as "totalAmount",
           po.platform_created_at as "platformCreatedAt", po.order_id as "orderId"
      from platform_orders po left join channel_accounts a on a.org_id = po.org_id and a.id = po.account_id
     where ${where} ${after}
     order by po.platform_created_at desc, po.id desc limit ${input.limit + 1}`);
  const hasMore = rows.length > input.limit;
  const items = (hasMore ? rows.slice(0, input.limit) : [...rows]).map(({ sortKey: _s, ...r }) => ({ ...r, platformCreatedAt: new Date(r.platformCreatedAt).toISOString() }));
  const last = rows[Math.min(rows.length, input.limit) - 1];
  const total = await countCapped(ctx, sql`platform_orders po`, where);
  return { items, nextCursor: hasMore && last ? encodeCursor({ v: last.sortKey, id: last.id }) : null, total };
}

// ---------- settlement files (结算文件导入) ----------

/**
 * The settlement file: one row per line; rows with the same platform + payout id are one payout. The
 * payout's date, currency and received amount are read from its first row that has them (rows that
 * disagree are errors). `line_id` is the platform's id of the line; without one, the row's payout,
 * order, type and its count among such rows in the file make it (so re-importing the same file updates).
 */
export const SETTLEMENT_COLUMNS: ColumnSpec[] = [
  { key: "platform", header: "平台 Platform", aliases: ["平台", "platform"] },
  { key: "payoutId", header: "结算单号 Payout ID", aliases: ["结算单号", "结算编号", "payoutid", "payout", "settlementid"] },
  { key: "payoutDate", header: "结算日期 Payout date", aliases: ["结算日期", "打款日期", "payoutdate", "date"] },
  { key: "currency", header: "币种 Currency", aliases: ["币种", "货币", "currency"] },
  { key: "received", header: "到账金额 Received", aliases: ["到账金额", "实收金额", "received", "receivedamount"] },
  { key: "orderId", header: "平台订单号 Platform order ID", aliases: ["平台订单号", "订单号", "orderid", "platformorderid"] },
  { key: "type", header: "类型 Type", aliases: ["类型", "费用类型", "type", "linetype"] },
  { key: "amount", header: "金额 Amount", aliases: ["金额", "amount"] },
  { key: "lineRef", header: "明细编号 Line ID", aliases: ["明细编号", "lineid", "transactionid"] },
  { key: "description", header: "说明 Description", aliases: ["说明", "备注", "description", "remark"] },
];

/** Type words a file may use (English codes, and the Chinese names of the UI). */
const TYPE_WORDS: Record<string, SettlementLineType> = {
  ...Object.fromEntries(SETTLEMENT_LINE_TYPES.map((t) => [t, t])),
  销售: "sale",
  货款: "sale",
  运费收入: "shipping",
  佣金: "commission",
  服务费: "service_fee",
  交易手续费: "transaction_fee",
  手续费: "transaction_fee",
  fba费: "fba_fee",
  fba配送费: "fba_fee",
  物流费: "shipping_fee",
  运费补贴: "shipping_subsidy",
  退款: "refund",
  税费: "tax",
  调整: "adjustment",
  其他: "other",
};

const PLATFORM_RE = /^[a-z][a-z0-9_-]{1,31}$/;
const CURRENCY_RE = /^[A-Z]{3}$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

function amountOf(v: string | undefined, field: string): string {
  const r = checkDecimal(v ?? "", 4, { allowNegative: true, maxIntegerDigits: 14 });
  if (!r.ok) throw fieldError(field, r.reason === "scale" ? "tooManyDecimals" : r.reason === "range" ? "outOfRange" : "decimalFormat", r.reason === "scale" ? { scale: 4 } : {});
  return r.value;
}

/**
 * 结算文件导入 — all or nothing per file: every row is checked first (row, column, reason); if any row
 * is wrong nothing is written and every error is listed; otherwise the whole file is stored in one
 * transaction (storeSettlements), idempotent on payout + line ids. Lines attach to the merchant's
 * platform orders of the same platform (any shop).
 */
export async function importSettlements(ctx: ServiceContext, input: z.input<typeof ImportInput>): Promise<ImportResult> {
  const { parsed, rows } = await loadRows(input, SETTLEMENT_COLUMNS);
  const errors: RowError[] = [];
  type Payout = { platform: string; item: NormalizedSettlement; firstRow: number };
  const payouts = new Map<string, Payout>();
  const seenLines = new Map<string, number>();
  const occurrences = new Map<string, number>();
  rows.forEach((r, i) => {
    const rowNo = sheetRow(i);
    try {
      const platform = (r.platform ?? "").trim().toLowerCase();
      if (!PLATFORM_RE.test(platform)) throw fieldError("platform", platform ? "platformUnknown" : "required");
      const payoutId = (r.payoutId ?? "").trim();
      if (!payoutId) throw fieldError("payoutId", "required");
      const typeText = (r.type ?? "").trim().toLowerCase();
      const type = TYPE_WORDS[typeText];
      if (!type) throw fieldError("type", typeText ? "settlementTypeUnknown" : "required", { values: SETTLEMENT_LINE_TYPES.join(", ") });
      const amount = amountOf(r.amount, "amount");
      const currency = (r.currency ?? "").trim().toUpperCase();
      if (currency && !CURRENCY_RE.test(currency)) throw fieldError("currency", "currencyFormat");
      const date = (r.payoutDate ?? "").trim();
      if (date && (!DATE_RE.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)))) throw fieldError("payoutDate", "dateFormat");
      const received = (r.received ?? "").trim() ? amountOf(r.received, "received") : null;
      const key = `${platform}|${payoutId}`;
      let p = payouts.get(key);
      if (!p) {
        if (!currency) throw fieldError("currency", "required");
        if (!date) throw fieldError("payoutDate", "required");
        p = {
          platform,
          firstRow: rowNo,
          item: { externalId: payoutId, settledAt: new Date(`${date}T00:00:00Z`), currency, receivedAmount: received, status: received ? "paid" : "pending", platformStatus: "", lines: [] },
        };
      } else {
        if (currency && currency !== p.item.currency) throw fieldError("currency", "settlementRowDisagrees", { row: p.firstRow });
        if (date && new Date(`${date}T00:00:00Z`).getTime() !== p.item.settledAt.getTime()) throw fieldError("payoutDate", "settlementRowDisagrees", { row: p.firstRow });
        if (received !== null && p.item.receivedAmount !== null && !dec(received).eq(p.item.receivedAmount)) throw fieldError("received", "settlementRowDisagrees", { row: p.firstRow });
      }
      const orderId = (r.orderId ?? "").trim();
      let lineId = (r.lineRef ?? "").trim();
      if (!lineId) {
        const base = `${orderId}:${type}`;
        const n = (occurrences.get(`${key}|${base}`) ?? 0) + 1;
        occurrences.set(`${key}|${base}`, n);
        lineId = `file:${base}:${n}`;
      }
      const first = seenLines.get(`${key}|${lineId}`);
      if (first) throw fieldError("lineRef", "duplicateInFile", { row: first });
      seenLines.set(`${key}|${lineId}`, rowNo);
      if (!payouts.has(key)) payouts.set(key, p);
      if (received !== null && p.item.receivedAmount === null) {
        p.item.receivedAmount = received;
        p.item.status = "paid";
      }
      p.item.lines.push({ externalLineId: lineId, platformOrderId: orderId, type, platformType: (r.type ?? "").trim(), currency: p.item.currency, amount, postedAt: p.item.settledAt, description: (r.description ?? "").trim().slice(0, 500) });
    } catch (e) {
      errors.push(...rowErrorsFrom(e, rowNo, SETTLEMENT_COLUMNS));
    }
  });
  const errorRows = new Set(errors.map((e) => e.row)).size;
  const commit = parsed.commit && errors.length === 0 && rows.length > 0;
  let written = { created: 0, updated: 0 };
  if (commit) {
    const byPlatform = new Map<string, NormalizedSettlement[]>();
    for (const p of payouts.values()) byPlatform.set(p.platform, [...(byPlatform.get(p.platform) ?? []), p.item]);
    const existing = await ctx.db.execute<{ n: number }>(sql`
      select count(*)::int as n from settlements where org_id = ${ctx.orgId}
        and (platform || '|' || external_id) in ${[...payouts.keys()]}`);
    await inTransaction(ctx, async (tx) => {
      for (const [platform, items] of byPlatform) await storeSettlements(tx, { platform, accountId: null, source: "import" }, items);
    });
    const updated = Number(existing[0]?.n ?? 0);
    written = { created: payouts.size - updated, updated };
  }
  return importSummary(rows, rows.length - errorRows, errors, written, commit);
}

