import { db } from "@/db";
import { handleOpenRequest } from "@/server/open/handler";
import { observeRequest } from "@/server/observability/http";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The ERP open API (002): `{"f": "<function>", "v": {...}}` → `{rStatus, message, rData}`. */
export async function POST(req: Request) {
  return observeRequest(req, "open", async () => {
    const { status, body } = await handleOpenRequest(db, { body: await req.text(), headers: req.headers });
    return Response.json(body, { status, headers: status === 503 ? { "retry-after": "5" } : {} });
  });
}
