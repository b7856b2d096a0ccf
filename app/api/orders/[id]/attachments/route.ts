import { z } from "zod";
import { DomainError } from "@/server/errors";
import { addAttachment } from "@/server/services/orders/attachments";
import { asCaller, uploadedFile } from "../../_shared";

export const runtime = "nodejs";

/** Attach a file to an existing order (written to its timeline). */
export async function POST(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return asCaller(req, "orders.write", async (svc) => {
    if (!z.uuid().safeParse(id).success) throw new DomainError("NOT_FOUND", { key: "notFound", params: { entity: "order" } });
    return Response.json(await addAttachment(svc, id, await uploadedFile(req)), { status: 201 });
  });
}
