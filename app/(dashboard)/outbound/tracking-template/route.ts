import { tableFileResponse } from "@/server/api/file-response";
import { writeTable } from "@/server/services/_lib/tabular";
import { TRACKING_COLUMNS } from "@/server/services/outbound/ship";

export const runtime = "nodejs";

/** GET /outbound/tracking-template?format=xlsx|csv — header row for the tracking-number upload. */
export async function GET(req: Request) {
  const format = new URL(req.url).searchParams.get("format") === "csv" ? "csv" : "xlsx";
  const body = await writeTable(format, TRACKING_COLUMNS, []);
  return tableFileResponse(body, format, `tracking-template.${format}`);
}
