import { tableFileResponse } from "@/server/api/file-response";
import { writeTable } from "@/server/services/_lib/tabular";
import { INBOUND_LINE_COLUMNS } from "@/server/services/inbound/import";

export const runtime = "nodejs";

/** GET /inbound/lines-template?format=xlsx|csv — the header row of an inbound line import. */
export async function GET(req: Request) {
  const format = new URL(req.url).searchParams.get("format") === "csv" ? "csv" : "xlsx";
  const body = await writeTable(format, INBOUND_LINE_COLUMNS, []);
  return tableFileResponse(body, format, `inbound-lines-template.${format}`);
}
