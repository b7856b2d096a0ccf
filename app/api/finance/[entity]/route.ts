import { OrderProfitFilter } from "@/lib/validators/finance";
import { tableFileResponse } from "@/server/api/file-response";
import { handleRoute } from "@/server/api/handle-route";
import { merchantToday } from "@/server/services/_lib/settings";
import { fieldError, notFound } from "@/server/errors";
import { isUuid } from "@/lib/validators/common";
import { SKU_COST_COLUMNS } from "@/server/services/finance/costs";
import { FREIGHT_BILL_COLUMNS } from "@/server/services/finance/freight";
import { exportOrderProfit } from "@/server/services/finance/profit";
import { exportCustomerStatement } from "@/server/services/finance/receivables";
import { EXCHANGE_RATE_COLUMNS } from "@/server/services/finance/rates";
import { SETTLEMENT_COLUMNS } from "@/server/services/finance/settlements";
import { writeTable } from "@/server/services/_lib/tabular";

export const runtime = "nodejs";

const TEMPLATES = { "costs-template": SKU_COST_COLUMNS, "rates-template": EXCHANGE_RATE_COLUMNS, "settlements-template": SETTLEMENT_COLUMNS, "freight-template": FREIGHT_BILL_COLUMNS } as const;

/**
 * GET /api/finance/order-profit?format=csv|xlsx&accountId=&platform=&sku=&country=&from=&to=&marginBelow= — the
 * order-profit list as filtered on screen, with its totals row (cells formula-safe: writeTable);
 * /api/finance/customer-statement?customerId=&format= — a customer's statement (orders, payments, running
 * balance, closing row; formula-safe);
 * /api/finance/costs-template, /rates-template, /settlements-template and /freight-template — the import files' header rows. Finance staff only.
 */
export async function GET(req: Request, { params }: { params: Promise<{ entity: string }> }) {
  const { entity } = await params;
  return handleRoute(req, "finance.read", async ({ svc }) => {
    const url = new URL(req.url);
    const format = url.searchParams.get("format") === "csv" ? "csv" : "xlsx";
    if (Object.hasOwn(TEMPLATES, entity)) {
      const body = await writeTable(format, TEMPLATES[entity as keyof typeof TEMPLATES], []);
      return tableFileResponse(body, format, `${entity}.${format}`);
    }
    if (entity === "customer-statement") {
      const customerId = url.searchParams.get("customerId");
      if (!isUuid(customerId)) throw fieldError("customerId", "invalidId");
      const { customer, body } = await exportCustomerStatement(svc, format, { customerId });
      const safeNum = customer.clientNum.replace(/[^A-Za-z0-9_-]/g, "_");
      return tableFileResponse(body, format, `statement-${safeNum}-${await merchantToday(svc)}.${format}`);
    }
    if (entity !== "order-profit") throw notFound("export");
    const q = (k: string) => url.searchParams.get(k) || undefined;
    const filter = OrderProfitFilter.parse({ accountId: q("accountId"), platform: q("platform"), sku: q("sku"), country: q("country"), from: q("from"), to: q("to"), marginBelow: q("marginBelow") });
    const body = await exportOrderProfit(svc, format, filter);
    return tableFileResponse(body, format, `order-profit-${await merchantToday(svc)}.${format}`);
  });
}
