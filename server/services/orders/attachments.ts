import { createHash } from "node:crypto";
import { and, eq, isNull, lt, sql } from "drizzle-orm";
import { newId } from "@/db/schema/_columns";
import { orderAttachments } from "@/db/schema";
import { actorUserId, inTransaction, type ServiceContext } from "@/server/context";
import { DomainError, notFound } from "@/server/errors";
import { getStorage } from "@/server/storage";
import { lockOrder, recordOrderEvent } from "./internal";

export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;
export const MAX_ATTACHMENTS_PER_ORDER = 20;

export type UploadedFile = { fileName: string; contentType: string; data: Buffer };

function checkFile(f: UploadedFile) {
  if (f.data.length === 0) throw new DomainError("VALIDATION", { key: "attachmentRequired" }, { fieldErrors: { file: { key: "attachmentRequired" } } });
  if (f.data.length > MAX_ATTACHMENT_BYTES) {
    const params = { name: f.fileName, mb: MAX_ATTACHMENT_BYTES / 1024 / 1024 };
    throw new DomainError("PAYLOAD_TOO_LARGE", { key: "attachmentTooLarge", params }, { fieldErrors: { file: { key: "attachmentTooLarge", params } } });
  }
}

const cleanName = (name: string) => name.replace(/[\\/\u0000-\u001f]/g, "_").slice(0, 200) || "file";

/** Store the bytes first (a file without a row is harmless; a row without a file is not). */
async function store(ctx: ServiceContext, f: UploadedFile) {
  checkFile(f);
  const id = newId();
  const storageKey = `${ctx.orgId}/orders/${id}`;
  await getStorage().put(storageKey, f.data);
  return {
    id,
    orgId: ctx.orgId,
    fileName: cleanName(f.fileName),
    contentType: f.contentType || "application/octet-stream",
    sizeBytes: f.data.length,
    storageKey,
    sha256: createHash("sha256").update(f.data).digest("hex"),
    uploadedBy: actorUserId(ctx),
  };
}

/** A file uploaded on the new-order form: kept unlinked until createOrder links it. */
export async function stageAttachment(ctx: ServiceContext, f: UploadedFile) {
  const row = await store(ctx, f);
  await ctx.db.insert(orderAttachments).values({ ...row, orderId: null });
  return { id: row.id, fileName: row.fileName, sizeBytes: row.sizeBytes, contentType: row.contentType };
}

/** Attach a file to an existing order (any status: contracts and receipts arrive late). */
export async function addAttachment(ctx: ServiceContext, orderId: string, f: UploadedFile) {
  const row = await store(ctx, f);
  return inTransaction(ctx, async (tx) => {
    const order = await lockOrder(tx, orderId);
    const [{ n }] = (await tx.db
      .select({ n: sql<number>`count(*)::int` })
      .from(orderAttachments)
      .where(and(eq(orderAttachments.orgId, tx.orgId), eq(orderAttachments.orderId, orderId)))) as [{ n: number }];
    if (n >= MAX_ATTACHMENTS_PER_ORDER) {
      throw new DomainError("VALIDATION", { key: "tooManyAttachments", params: { max: MAX_ATTACHMENTS_PER_ORDER } }, {
        fieldErrors: { file: { key: "tooManyAttachments", params: { max: MAX_ATTACHMENTS_PER_ORDER } } },
      });
    }
    await tx.db.insert(orderAttachments).values({ ...row, orderId });
    await recordOrderEvent(tx, {
      orderId,
      type: "attachment_added",
      fromStatus: order.status,
      toStatus: order.status,
      changes: { attachment: { from: null, to: row.fileName } },
    });
    return { id: row.id, fileName: row.fileName, sizeBytes: row.sizeBytes, contentType: row.contentType };
  });
}

/** Remove an attachment row; the stored file goes when nothing (e.g. a copied order) still uses it. */
export async function removeAttachment(ctx: ServiceContext, attachmentId: string) {
  const removed = await inTransaction(ctx, async (tx) => {
    const [att] = await tx.db
      .select()
      .from(orderAttachments)
      .where(and(eq(orderAttachments.orgId, tx.orgId), eq(orderAttachments.id, attachmentId)));
    if (!att) throw notFound("attachment");
    if (att.orderId) {
      const order = await lockOrder(tx, att.orderId);
      await recordOrderEvent(tx, {
        orderId: att.orderId,
        type: "attachment_removed",
        fromStatus: order.status,
        toStatus: order.status,
        changes: { attachment: { from: att.fileName, to: null } },
      });
    }
    await tx.db.delete(orderAttachments).where(and(eq(orderAttachments.orgId, tx.orgId), eq(orderAttachments.id, attachmentId)));
    const [{ n }] = (await tx.db
      .select({ n: sql<number>`count(*)::int` })
      .from(orderAttachments)
      .where(and(eq(orderAttachments.orgId, tx.orgId), eq(orderAttachments.storageKey, att.storageKey)))) as [{ n: number }];
    return { storageKey: att.storageKey, orphan: n === 0 };
  });
  if (removed.orphan) await getStorage().remove(removed.storageKey);
}

/** The file of an attachment of this merchant (download). */
export async function readAttachment(ctx: ServiceContext, attachmentId: string) {
  const [att] = await ctx.db
    .select()
    .from(orderAttachments)
    .where(and(eq(orderAttachments.orgId, ctx.orgId), eq(orderAttachments.id, attachmentId)));
  if (!att) throw notFound("attachment");
  return { attachment: att, data: await getStorage().get(att.storageKey) };
}

/** Staged uploads never linked to an order (form abandoned) older than a day: rows and files. */
export async function purgeStaleStagedAttachments(ctx: ServiceContext, olderThan = new Date(Date.now() - 24 * 3600 * 1000)) {
  const stale = await ctx.db
    .delete(orderAttachments)
    .where(and(eq(orderAttachments.orgId, ctx.orgId), isNull(orderAttachments.orderId), lt(orderAttachments.createdAt, olderThan)))
    .returning({ storageKey: orderAttachments.storageKey });
  for (const s of stale) await getStorage().remove(s.storageKey);
  return stale.length;
}
