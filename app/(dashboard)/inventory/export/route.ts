import { tableFileResponse } from "@/server/api/file-response";
import { handleRoute } from "@/server/api/handle-route";
import { merchantToday } from "@/server/services/_lib/settings";
import { exportStock } from "@/server/services/inventory/export";

export const runtime = "nodejs";

/** GET /inventory/export?format=csv|xlsx&search=&warehouseId=&status=&includeUnstocked=1 — the stock list as filtered. */
export function GET(req: Request) {
  return handleRoute(req, null, async ({ svc }) => {
    const url = new URL(req.url);
    const format = url.searchParams.get("format") === "csv" ? "csv" : "xlsx";
    const body = await exportStock(svc, format, {
      search: url.searchParams.get("search") || undefined,
      warehouseId: url.searchParams.get("warehouseId") || undefined,
      status: (url.searchParams.get("status") || "all") as "all",
      includeUnstocked: url.searchParams.get("includeUnstocked") === "1",
    });
    const stamp = await merchantToday(svc);
    return tableFileResponse(body, format, `stock-${stamp}.${format}`);
  });
}
