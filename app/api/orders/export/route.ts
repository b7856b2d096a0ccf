import { OrderFilterInput, parseOrderNos } from "@/lib/validators/orders";
import { exportOrders } from "@/server/services/orders/bulk";
import { tableFileResponse } from "@/server/api/file-response";
import { handleRoute } from "@/server/api/handle-route";
import { merchantToday } from "@/server/services/_lib/settings";

export const runtime = "nodejs";

/**
 * The order list as filtered on the page, as XLSX or CSV: the same query-string filters as /orders
 * (status, no, nos, client, source, cf/ct created, df/dt delivery, r recipient, country); the selected
 * rows are exported as `nos`.
 */
export function GET(req: Request) {
  return handleRoute(req, null, async ({ svc }) => {
    const q = new URL(req.url).searchParams;
    const format = q.get("format") === "csv" ? "csv" : "xlsx";
    const filter = OrderFilterInput.parse({
      status: q.get("status") || undefined,
      orderNo: q.get("no") || undefined,
      orderNos: q.get("nos") ? parseOrderNos(q.get("nos")) : undefined,
      clientNum: q.get("client") || undefined,
      source: q.get("source") || undefined,
      createdFrom: q.get("cf") || undefined,
      createdTo: q.get("ct") || undefined,
      deliveryFrom: q.get("df") || undefined,
      deliveryTo: q.get("dt") || undefined,
      recipient: q.get("r") || undefined,
      country: q.get("country") || undefined,
    });
    const body = await exportOrders(svc, format, filter);
    const stamp = await merchantToday(svc);
    return tableFileResponse(body, format, `orders-${stamp}.${format}`);
  });
}
