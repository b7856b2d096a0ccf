import { and, asc, eq } from "drizzle-orm";
import { agreementTypes } from "@/db/schema";
import type { ServiceContext, OrgScope } from "@/server/context";

/** 约定类型 and 加工类型 every merchant starts with (editable lists; the order form offers them). */
export const DEFAULT_AGREEMENT_TYPES = {
  agreement: ["框架协议", "单次采购", "年度协议", "寄售协议", "样品订单"],
  processing: ["来料加工", "进料加工", "包工包料", "贴牌加工（OEM）", "设计加工（ODM）"],
} as const;

/** Idempotent: existing names are left alone, so it also completes merchants created before it existed. */
export async function seedAgreementTypes(ctx: OrgScope) {
  const { db, orgId } = ctx;
  const rows = (["agreement", "processing"] as const).flatMap((kind) =>
    DEFAULT_AGREEMENT_TYPES[kind].map((name, i) => ({ orgId, kind, name, sortOrder: i })),
  );
  await db.insert(agreementTypes).values(rows).onConflictDoNothing();
}

export async function listAgreementTypes(ctx: ServiceContext) {
  const rows = await ctx.db
    .select({ kind: agreementTypes.kind, name: agreementTypes.name })
    .from(agreementTypes)
    .where(and(eq(agreementTypes.orgId, ctx.orgId), eq(agreementTypes.enabled, true)))
    .orderBy(asc(agreementTypes.sortOrder), asc(agreementTypes.name));
  return {
    agreement: rows.filter((r) => r.kind === "agreement").map((r) => r.name),
    processing: rows.filter((r) => r.kind === "processing").map((r) => r.name),
  };
}
