import { db } from "@/db";
import { handleOpenRequest } from "@/server/open/handler";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The ERP open API (002): `{"f": "<function>", "v": {...}}` → `{rStatus, message, rData}`. */
export async function POST(req: Request) {
  const { status, body } = await handleOpenRequest(db, { body: await req.text(), headers: req.headers });
  return Response.json(body, { status });
}
