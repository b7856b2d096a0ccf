import { createRequestContext } from "@/server/api/request-context";
import { resolveServiceContext } from "@/server/api/resolve";
import { exportCustomers, exportProducts } from "@/server/services/catalog/import";
import { DomainError } from "@/server/errors";

export const runtime = "nodejs";

const EXPORTERS = { products: exportProducts, customers: exportCustomers } as const;

export async function GET(req: Request, { params }: { params: Promise<{ entity: string }> }) {
  const { entity } = await params;
  const exporter = EXPORTERS[entity as keyof typeof EXPORTERS];
  if (!exporter) return Response.json({ error: "unknown export" }, { status: 404 });
  const url = new URL(req.url);
  const format = url.searchParams.get("format") === "csv" ? "csv" : "xlsx";
  try {
    const svc = await resolveServiceContext(await createRequestContext(req));
    const enabled = url.searchParams.get("enabled");
    const body = await exporter(svc, format, {
      search: url.searchParams.get("search") ?? undefined,
      enabled: enabled === "true" ? true : enabled === "false" ? false : undefined,
    });
    const stamp = new Date().toISOString().slice(0, 10);
    return new Response(new Uint8Array(body), {
      headers: {
        "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "content-disposition": `attachment; filename="${entity}-${stamp}.${format}"`,
      },
    });
  } catch (e) {
    if (e instanceof DomainError) return Response.json({ error: e.messageRef.key }, { status: e.code === "UNAUTHORIZED" ? 401 : 403 });
    throw e;
  }
}
