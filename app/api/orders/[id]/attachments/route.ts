import { isUuid } from "@/lib/validators/common";
import { handleRoute } from "@/server/api/handle-route";
import { notFound } from "@/server/errors";
import { addAttachment } from "@/server/services/orders/attachments";
import { uploadedFile } from "../../_shared";

export const runtime = "nodejs";

/** Attach a file to an existing order (written to its timeline). */
export async function POST(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return handleRoute(req, "orders.write", async ({ svc }) => {
    if (!isUuid(id)) throw notFound("order");
    return Response.json(await addAttachment(svc, id, await uploadedFile(req)), { status: 201 });
  });
}
