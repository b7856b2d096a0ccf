import { createRequestContext } from "@/server/api/request-context";
import { resolveServiceContext } from "@/server/api/resolve";
import { CUSTOMER_COLUMNS, exportCustomers, exportProducts, PRODUCT_COLUMNS } from "@/server/services/catalog/import";
import { writeTable } from "@/server/services/_lib/tabular";
import { exportSkuMappings, SKU_MAPPING_COLUMNS } from "@/server/services/channels/mappings";
import { DomainError, type DomainErrorCode } from "@/server/errors";

export const runtime = "nodejs";

const EXPORTERS = {
  products: { run: exportProducts, columns: PRODUCT_COLUMNS },
  customers: { run: exportCustomers, columns: CUSTOMER_COLUMNS },
  "sku-mappings": { run: exportSkuMappings, columns: SKU_MAPPING_COLUMNS },
} as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const STATUS: Partial<Record<DomainErrorCode, number>> = { UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_FOUND: 404, VALIDATION: 400 };

/**
 * GET /api/export/<entity>?format=csv|xlsx&search=&enabled=&accountId= — the list as filtered on screen;
 * `template=1` gives just the header row, to fill in and import.
 */
export async function GET(req: Request, { params }: { params: Promise<{ entity: string }> }) {
  const { entity } = await params;
  const exporter = EXPORTERS[entity as keyof typeof EXPORTERS];
  if (!exporter) return Response.json({ error: "unknown export" }, { status: 404 });
  const url = new URL(req.url);
  const format = url.searchParams.get("format") === "csv" ? "csv" : "xlsx";
  const template = url.searchParams.get("template") === "1";
  try {
    const svc = await resolveServiceContext(await createRequestContext(req));
    const enabled = url.searchParams.get("enabled");
    const accountId = url.searchParams.get("accountId") || undefined;
    if (accountId && !UUID.test(accountId)) return Response.json({ error: "accountId is not a valid id" }, { status: 400 });
    const body = template
      ? await writeTable(format, exporter.columns, [])
      : await exporter.run(svc, format, {
          search: url.searchParams.get("search") ?? undefined,
          enabled: enabled === "true" ? true : enabled === "false" ? false : undefined,
          accountId,
        });
    const stamp = new Date().toISOString().slice(0, 10);
    const name = template ? `${entity}-template.${format}` : `${entity}-${stamp}.${format}`;
    return new Response(new Uint8Array(body), {
      headers: {
        "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "content-disposition": `attachment; filename="${name}"`,
        "cache-control": "no-store",
      },
    });
  } catch (e) {
    if (e instanceof DomainError) return Response.json({ error: e.messageRef.key }, { status: STATUS[e.code] ?? 400 });
    throw e;
  }
}
