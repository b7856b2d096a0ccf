import { z } from "zod";
import { DomainError } from "@/server/errors";
import { readAttachment } from "@/server/services/orders/attachments";
import { asCaller } from "../../_shared";

export const runtime = "nodejs";

/** Download an attachment of the caller's merchant (another merchant's is 404). */
export async function GET(req: Request, { params }: { params: Promise<{ attachmentId: string }> }) {
  const { attachmentId } = await params;
  return asCaller(req, null, async (svc) => {
    if (!z.uuid().safeParse(attachmentId).success) throw new DomainError("NOT_FOUND", { key: "notFound", params: { entity: "attachment" } });
    const { attachment, data } = await readAttachment(svc, attachmentId);
    const inline = new URL(req.url).searchParams.get("inline") === "1";
    return new Response(new Uint8Array(data), {
      headers: {
        "content-type": attachment.contentType,
        "content-length": String(data.length),
        "content-disposition": `${inline ? "inline" : "attachment"}; filename*=UTF-8''${encodeURIComponent(attachment.fileName)}`,
        "x-content-type-options": "nosniff",
        "cache-control": "private, max-age=0",
      },
    });
  });
}
