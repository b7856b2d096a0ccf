import type { Locale } from "@/lib/i18n/config";
import { createRequestContext, isCrossSiteWrite } from "@/server/api/request-context";
import { resolveServiceContext } from "@/server/api/resolve";
import { ZodError } from "zod";
import { domainErrorPayload, zodFieldErrors } from "@/server/api/trpc";
import type { ServiceContext } from "@/server/context";
import { DomainError } from "@/server/errors";
import { can, type Permission } from "@/lib/permissions";
import { MAX_ATTACHMENT_BYTES, type UploadedFile } from "@/server/services/orders/attachments";

const STATUS: Partial<Record<DomainError["code"], number>> = {
  NOT_FOUND: 404,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  VALIDATION: 400,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  INVALID_TRANSITION: 409,
};

/**
 * Run a route handler of the orders area as the caller (session or API key), with the same error shape
 * as tRPC's `appError` ({code, message, fieldErrors}) and the caller's language.
 */
export async function asCaller(
  req: Request,
  permission: Permission | null,
  fn: (svc: ServiceContext, locale: Locale) => Promise<Response>,
): Promise<Response> {
  if (isCrossSiteWrite(req)) return Response.json({ error: { code: "FORBIDDEN", message: "cross-site request refused" } }, { status: 403 });
  const rc = await createRequestContext(req);
  try {
    const svc = await resolveServiceContext(rc);
    if (permission && !can(svc.role, permission)) throw new DomainError("FORBIDDEN", { key: "forbidden", params: { permission } });
    return await fn(svc, rc.locale);
  } catch (e) {
    if (e instanceof DomainError) return Response.json({ error: domainErrorPayload(e, rc.locale) }, { status: STATUS[e.code] ?? 500 });
    if (e instanceof ZodError) {
      const fieldErrors = zodFieldErrors(e, rc.locale);
      return Response.json({ error: { code: "VALIDATION", message: Object.values(fieldErrors).join("; "), fieldErrors } }, { status: 400 });
    }
    throw e;
  }
}

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
