/** What the returns services share: the locked read of one return. */
import { and, eq } from "drizzle-orm";
import {
  returns,
  } from "@/db/schema";
import {
  } from "@/lib/validators/returns";
import { type ServiceContext } from "@/server/context";
import { notFound } from "@/server/errors";

export type ReturnRow = typeof returns.$inferSelect;

export async function loadReturn(ctx: ServiceContext, id: string, lock = false) {
  const q = ctx.db
    .select()
    .from(returns)
    .where(and(eq(returns.id, id), eq(returns.orgId, ctx.orgId)));
  const [row] = lock ? await q.for("update") : await q;
  if (!row) throw notFound("return");
  return row;
}
