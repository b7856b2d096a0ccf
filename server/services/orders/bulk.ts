import { and, eq, inArray } from "drizzle-orm";
import { orders } from "@/db/schema";
import type { OrderAction, OrderStatus } from "@/lib/orders/status";
import type { ServiceContext } from "@/server/context";
import { DomainError } from "@/server/errors";
import { writeTable, type ColumnSpec, type TableFormat } from "../_lib/tabular";
import { listOrders, type OrderFilterInput } from "./queries";
import { transitionOrder } from "./transitions";

export type BulkResult = {
  done: { id: string; orderNo: string }[];
  failed: { id: string; orderNo: string; error: DomainError }[];
};

/**
 * Apply one action to many orders, each in its own transaction: one order's short stock or wrong
 * status does not hold back the others, and the result says which failed and why.
 */
export async function bulkTransition(ctx: ServiceContext, orderIds: string[], action: OrderAction, reason?: string | null): Promise<BulkResult> {
  const known = await ctx.db
    .select({ id: orders.id, orderNo: orders.orderNo })
    .from(orders)
    .where(and(eq(orders.orgId, ctx.orgId), inArray(orders.id, orderIds)));
  const noOf = new Map(known.map((k) => [k.id, k.orderNo]));
  const result: BulkResult = { done: [], failed: [] };
  for (const id of orderIds) {
    const orderNo = noOf.get(id) ?? id;
    if (!noOf.has(id)) {
      result.failed.push({ id, orderNo, error: new DomainError("NOT_FOUND", { key: "notFound", params: { entity: "order" } }) });
      continue;
    }
    try {
      await transitionOrder(ctx, { orderId: id, action, reason });
      result.done.push({ id, orderNo });
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      result.failed.push({ id, orderNo, error: e });
    }
  }
  return result;
}

export const EXPORT_MAX_ROWS = 100_000;

const STATUS_LABEL: Record<OrderStatus, string> = {
  pending: "待审核",
  stock_up: "待出库",
  scheduled: "已排产",
  shipped: "已发货",
  completed: "已完成",
  closed: "已关闭",
  frozen: "冻结",
  voided: "作废",
};

export const ORDER_EXPORT_COLUMNS: ColumnSpec[] = [
  { key: "orderNo", header: "订单号 Order no." },
  { key: "statusLabel", header: "状态 Status" },
  { key: "source", header: "来源 Source" },
  { key: "clientNum", header: "客户编号 Customer no." },
  { key: "buyerCompany", header: "买家公司 Buyer" },
  { key: "recipientName", header: "收货人 Recipient" },
  { key: "recipientPhone", header: "手机 Phone" },
  { key: "country", header: "国家 Country" },
  { key: "province", header: "省 Province" },
  { key: "city", header: "市 City" },
  { key: "district", header: "区 District" },
  { key: "street", header: "详细地址 Street" },
  { key: "deliveryMethod", header: "配送方式 Delivery" },
  { key: "deliveryDate", header: "交货日期 Delivery date" },
  { key: "lineCount", header: "行数 Lines" },
  { key: "totalQty", header: "总数量 Quantity" },
  { key: "linesTotal", header: "商品金额 Lines total" },
  { key: "freight", header: "运费 Freight" },
  { key: "discountTotal", header: "结算价 Settlement" },
  { key: "specialPrice", header: "特批价 Special price" },
  { key: "remark", header: "备注 Remark" },
  { key: "createdAt", header: "创建时间 Created" },
];

/** The filtered list as CSV or XLSX, walked page by page with the list's keyset (no OFFSET). */
export async function exportOrders(ctx: ServiceContext, format: TableFormat, filter: OrderFilterInput) {
  const out: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<typeof listOrders>> = await listOrders(ctx, { filter, sort: "created", dir: "desc", limit: 200, cursor });
    for (const o of page.items) out.push({ ...o, statusLabel: `${STATUS_LABEL[o.status]} ${o.status}`, specialPrice: o.specialPrice ? "是 yes" : "" });
    if (out.length > EXPORT_MAX_ROWS) {
      throw new DomainError("VALIDATION", { key: "exportTooLarge", params: { max: EXPORT_MAX_ROWS } });
    }
    cursor = page.nextCursor;
  } while (cursor);
  return writeTable(format, ORDER_EXPORT_COLUMNS, out);
}
