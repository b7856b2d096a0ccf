import { isUuid } from "@/lib/validators/common";
import { tableFileResponse } from "@/server/api/file-response";
import { handleRoute } from "@/server/api/handle-route";
import { merchantToday } from "@/server/services/_lib/settings";
import { fieldError, notFound } from "@/server/errors";
import { CUSTOMER_COLUMNS, exportCustomers, exportProducts, PRODUCT_COLUMNS } from "@/server/services/catalog/import";
import { writeTable } from "@/server/services/_lib/tabular";
import { exportSkuMappings, SKU_MAPPING_COLUMNS } from "@/server/services/channels/mappings";

export const runtime = "nodejs";

const EXPORTERS = {
  products: { run: exportProducts, columns: PRODUCT_COLUMNS },
  customers: { run: exportCustomers, columns: CUSTOMER_COLUMNS },
  "sku-mappings": { run: exportSkuMappings, columns: SKU_MAPPING_COLUMNS },
} as const;

/**
 * GET /api/export/<entity>?format=csv|xlsx&search=&enabled=&accountId= — the list as filtered on screen;
 * `template=1` gives just the header row, to fill in and import.
 */
export async function GET(req: Request, { params }: { params: Promise<{ entity: string }> }) {
  const { entity } = await params;
  return handleRoute(req, null, async ({ svc }) => {
    const exporter = Object.hasOwn(EXPORTERS, entity) ? EXPORTERS[entity as keyof typeof EXPORTERS] : null;
    if (!exporter) throw notFound("export");
    const url = new URL(req.url);
    const format = url.searchParams.get("format") === "csv" ? "csv" : "xlsx";
    const template = url.searchParams.get("template") === "1";
    const enabled = url.searchParams.get("enabled");
    const accountId = url.searchParams.get("accountId") || undefined;
    if (accountId && !isUuid(accountId)) throw fieldError("accountId", "invalidId");
    const body = template
      ? await writeTable(format, exporter.columns, [])
      : await exporter.run(svc, format, {
          search: url.searchParams.get("search") ?? undefined,
          enabled: enabled === "true" ? true : enabled === "false" ? false : undefined,
          accountId,
        });
    const stamp = template ? "" : await merchantToday(svc);
    const name = template ? `${entity}-template.${format}` : `${entity}-${stamp}.${format}`;
    return tableFileResponse(body, format, name);
  });
}
