import { writeTable } from "@/server/services/_lib/tabular";
import { INBOUND_LINE_COLUMNS } from "@/server/services/inbound/import";

export const runtime = "nodejs";

/** GET /inbound/lines-template?format=xlsx|csv — the header row of an inbound line import. */
export async function GET(req: Request) {
  const format = new URL(req.url).searchParams.get("format") === "csv" ? "csv" : "xlsx";
  const body = await writeTable(format, INBOUND_LINE_COLUMNS, []);
  return new Response(new Uint8Array(body), {
    headers: {
      "content-type":
        format === "csv"
          ? "text/csv; charset=utf-8"
          : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "content-disposition": `attachment; filename="inbound-lines-template.${format}"`,
      "cache-control": "no-store",
    },
  });
}
