import { createHash } from "node:crypto";
import { and, eq, isNull, lt, sql } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { newId } from "@/db/schema/_columns";
import { orderAttachments } from "@/db/schema";
import { actorUserId, inTransaction, type ServiceContext } from "@/server/context";
import { DomainError, notFound } from "@/server/errors";
import { getStorage } from "@/server/storage";
import { sniffContentType } from "@/server/storage/content-type";
import { lockOrder, } from "./internal";
import { recordEvent } from "../_lib/events";

export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;
export const MAX_ATTACHMENTS_PER_ORDER = 20;

export type UploadedFile = { fileName: string; contentType: string; data: Buffer };

function checkFile(f: UploadedFile) {
  if (f.data.length === 0)
    throw new DomainError(
      "VALIDATION",
      { key: "attachmentRequired" },
      { fieldErrors: { file: { key: "attachmentRequired" } } },
    );
  if (f.data.length > MAX_ATTACHMENT_BYTES) {
    const params = { name: f.fileName, mb: MAX_ATTACHMENT_BYTES / 1024 / 1024 };
    throw new DomainError(
      "PAYLOAD_TOO_LARGE",
      { key: "attachmentTooLarge", params },
      { fieldErrors: { file: { key: "attachmentTooLarge", params } } },
    );
  }
}

const cleanName = (name: string) => name.replace(/[\\/\u0000-\u001f]/g, "_").slice(0, 200) || "file";

type StoredFile = Omit<typeof orderAttachments.$inferInsert, "orderId"> & {
  id: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  storageKey: string;
};

/**
 * Store the bytes first (a row never points at a missing file), then write the row with `write`; if
 * that is refused (not your order, too many files…) the file goes again, so a refused upload leaves
 * nothing on disk. The type recorded is the one sniffed from the bytes, never the uploader's claim.
 */
async function storeThen<T>(
  ctx: ServiceContext,
  f: UploadedFile,
  write: (row: StoredFile) => Promise<T>,
): Promise<T> {
  checkFile(f);
  const id = newId();
  const storageKey = `${ctx.orgId}/orders/${id}`;
  const row: StoredFile = {
    id,
    orgId: ctx.orgId,
    fileName: cleanName(f.fileName),
    contentType: await sniffContentType(f.data),
    sizeBytes: f.data.length,
    storageKey,
    sha256: createHash("sha256").update(f.data).digest("hex"),
    uploadedBy: actorUserId(ctx),
  };
  await getStorage().put(storageKey, f.data);
  try {
    return await write(row);
  } catch (e) {
    await getStorage()
      .remove(storageKey)
      .catch((err) =>
        console.error(`attachment ${storageKey}: refused upload not removed from storage:`, err),
      );
    throw e;
  }
}

const summary = (row: StoredFile) => ({
  id: row.id,
  fileName: row.fileName,
  sizeBytes: row.sizeBytes,
  contentType: row.contentType,
});

/** A file uploaded on the new-order form: kept unlinked until createOrder links it. */
export async function stageAttachment(ctx: ServiceContext, f: UploadedFile) {
  return storeThen(ctx, f, async (row) => {
    await ctx.db.insert(orderAttachments).values({ ...row, orderId: null });
    return summary(row);
  });
}

/** Attach a file to an existing order (any status: contracts and receipts arrive late). */
export async function addAttachment(ctx: ServiceContext, orderId: string, f: UploadedFile) {
  return storeThen(ctx, f, (row) =>
    inTransaction(ctx, async (ctx) => {
      const order = await lockOrder(ctx, orderId);
      const [{ n }] = (await ctx.db
        .select({ n: sql<number>`count(*)::int` })
        .from(orderAttachments)
        .where(and(eq(orderAttachments.orgId, ctx.orgId), eq(orderAttachments.orderId, orderId)))) as [
        { n: number },
      ];
      if (n >= MAX_ATTACHMENTS_PER_ORDER) {
        throw new DomainError(
          "VALIDATION",
          { key: "tooManyAttachments", params: { max: MAX_ATTACHMENTS_PER_ORDER } },
          {
            fieldErrors: { file: { key: "tooManyAttachments", params: { max: MAX_ATTACHMENTS_PER_ORDER } } },
          },
        );
      }
      await ctx.db.insert(orderAttachments).values({ ...row, orderId });
      await recordEvent(ctx, "order", orderId, { type: "attachment_added", from: order.status, to: order.status, changes: { attachment: { from: null, to: row.fileName } } });
      return summary(row);
    }),
  );
}

/** Remove an attachment row; the stored file goes when nothing (e.g. a copied order) still uses it. */
export async function removeAttachment(ctx: ServiceContext, attachmentId: string) {
  const removed = await inTransaction(ctx, async (ctx) => {
    const [att] = await ctx.db
      .select()
      .from(orderAttachments)
      .where(and(eq(orderAttachments.orgId, ctx.orgId), eq(orderAttachments.id, attachmentId)));
    if (!att) throw notFound("attachment");
    if (att.orderId) {
      const order = await lockOrder(ctx, att.orderId);
      await recordEvent(ctx, "order", att.orderId, { type: "attachment_removed", from: order.status, to: order.status, changes: { attachment: { from: att.fileName, to: null } } });
    }
    await ctx.db
      .delete(orderAttachments)
      .where(and(eq(orderAttachments.orgId, ctx.orgId), eq(orderAttachments.id, attachmentId)));
    const [{ n }] = (await ctx.db
      .select({ n: sql<number>`count(*)::int` })
      .from(orderAttachments)
      .where(and(eq(orderAttachments.orgId, ctx.orgId), eq(orderAttachments.storageKey, att.storageKey)))) as [
      { n: number },
    ];
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

/**
 * Housekeeping (the daily job, across merchants): staged uploads never linked to an order (the form
 * was abandoned) and older than a day go, rows and files. Staged files belong to one row only.
 */
export async function purgeStaleStagedAttachments(db: DbExecutor, olderThan = new Date(Date.now() - 24 * 3600 * 1000)) {
  const stale = await db
    .delete(orderAttachments)
    .where(and(isNull(orderAttachments.orderId), lt(orderAttachments.createdAt, olderThan)))
    .returning({ storageKey: orderAttachments.storageKey });
  for (const s of stale) await getStorage().remove(s.storageKey);
  return stale.length;
}
