import { isUuid } from "@/lib/validators/common";
import { fileResponse } from "@/server/api/file-response";
import { handleRoute } from "@/server/api/handle-route";
import { notFound } from "@/server/errors";
import { readAttachment } from "@/server/services/orders/attachments";
import { sniffContentType } from "@/server/storage/content-type";

export const runtime = "nodejs";

/** Download an attachment of the caller's merchant (another merchant's is 404). */
export async function GET(req: Request, { params }: { params: Promise<{ attachmentId: string }> }) {
  const { attachmentId } = await params;
  return handleRoute(req, null, async ({ svc }) => {
    if (!isUuid(attachmentId)) throw notFound("attachment");
    const { attachment, data } = await readAttachment(svc, attachmentId);
    // The type is sniffed again from the bytes: rows stored before sniffing carry the uploader's claim.
    return fileResponse(data, {
      fileName: attachment.fileName,
      contentType: await sniffContentType(data),
      inline: new URL(req.url).searchParams.get("inline") === "1",
      cacheControl: "private, max-age=0",
    });
  });
}
