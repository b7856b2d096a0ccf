import { DomainError } from "@/server/errors";
import { MAX_ATTACHMENT_BYTES, type UploadedFile } from "@/server/services/orders/attachments";

/** The file of a multipart upload (field `file`), refused above 20 MB before it is read into memory. */
export async function uploadedFile(req: Request): Promise<UploadedFile> {
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > MAX_ATTACHMENT_BYTES + 64 * 1024) {
    const params = { name: "", mb: MAX_ATTACHMENT_BYTES / 1024 / 1024 };
    throw new DomainError("PAYLOAD_TOO_LARGE", { key: "attachmentTooLarge", params }, { fieldErrors: { file: { key: "attachmentTooLarge", params } } });
  }
  let form: FormData;
  try {
    form = await req.formData();
  } catch {
    throw new DomainError("VALIDATION", { key: "attachmentRequired" }, { fieldErrors: { file: { key: "attachmentRequired" } } });
  }
  const file = form.get("file");
  if (!file || typeof file === "string") {
    throw new DomainError("VALIDATION", { key: "attachmentRequired" }, { fieldErrors: { file: { key: "attachmentRequired" } } });
  }
  return { fileName: file.name, contentType: file.type, data: Buffer.from(await file.arrayBuffer()) };
}
