import type { ServiceContext } from "@/server/context";
import type { StockListInput } from "@/lib/validators/inventory";
import { writeTable, type ColumnSpec, type TableFormat } from "../_lib/tabular";
import { listStock } from "./stock";

export const STOCK_COLUMNS: ColumnSpec[] = [
  { key: "sku", header: "SKU" },
  { key: "name", header: "名称 Name" },
  { key: "spec", header: "规格 Spec" },
  { key: "warehouseCode", header: "仓库 Warehouse" },
  { key: "location", header: "库位 Bin" },
  { key: "onHand", header: "实物库存 On hand" },
  { key: "reserved", header: "已预占 Reserved" },
  { key: "available", header: "可用 Available" },
  { key: "lowStockThreshold", header: "低库存阈值 Low stock" },
];

/** Export caps at this many rows; the list filters narrow it down. */
export const STOCK_EXPORT_MAX = 100_000;

/** The stock list as filtered on screen, page by page (keyset), as CSV or XLSX. */
export async function exportStock(
  ctx: ServiceContext,
  format: TableFormat,
  filter: Omit<StockListInput, "cursor" | "limit">,
) {
  const rows: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<typeof listStock>> = await listStock(ctx, {
      ...filter,
      cursor,
      limit: 200,
    });
    rows.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && rows.length < STOCK_EXPORT_MAX);
  return writeTable(format, STOCK_COLUMNS, rows);
}
