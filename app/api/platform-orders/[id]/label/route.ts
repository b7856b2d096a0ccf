import { isUuid } from "@/lib/validators/common";
import { fileResponse } from "@/server/api/file-response";
import { handleRoute } from "@/server/api/handle-route";
import { notFound } from "@/server/errors";
import { shippingLabelOf } from "@/server/services/channels/sync-back";

export const runtime = "nodejs";

/** 打印面单: the platform's AWB label of one of the caller's platform orders, as a PDF download. */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return handleRoute(req, "channels.operate", async ({ svc }) => {
    if (!isUuid(id)) throw notFound("platformOrder");
    const label = await shippingLabelOf(svc, id);
    return fileResponse(label.data, { fileName: label.fileName, contentType: "application/pdf", cacheControl: "private, max-age=0" });
  });
}
