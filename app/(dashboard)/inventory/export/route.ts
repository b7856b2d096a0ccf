import { createRequestContext } from "@/server/api/request-context";
import { resolveServiceContext } from "@/server/api/resolve";
import { DomainError, type DomainErrorCode } from "@/server/errors";
import { exportStock } from "@/server/services/inventory/export";

export const runtime = "nodejs";

const STATUS: Partial<Record<DomainErrorCode, number>> = {
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  VALIDATION: 400,
};

/** GET /inventory/export?format=csv|xlsx&search=&warehouseId=&status=&includeUnstocked=1 — the stock list as filtered. */
export async function GET(req: Request) {
  const url = new URL(req.url);
  const format = url.searchParams.get("format") === "csv" ? "csv" : "xlsx";
  try {
    const svc = await resolveServiceContext(await createRequestContext(req));
    const body = await exportStock(svc, format, {
      search: url.searchParams.get("search") || undefined,
      warehouseId: url.searchParams.get("warehouseId") || undefined,
      status: (url.searchParams.get("status") || "all") as "all",
      includeUnstocked: url.searchParams.get("includeUnstocked") === "1",
    });
    const stamp = new Date().toISOString().slice(0, 10);
    return new Response(new Uint8Array(body), {
      headers: {
        "content-type":
          format === "csv"
            ? "text/csv; charset=utf-8"
            : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "content-disposition": `attachment; filename="stock-${stamp}.${format}"`,
        "cache-control": "no-store",
      },
    });
  } catch (e) {
    if (e instanceof DomainError)
      return Response.json({ error: e.messageRef.key }, { status: STATUS[e.code] ?? 400 });
    throw e;
  }
}
