import { and, asc, eq, inArray } from "drizzle-orm";
import type { z } from "zod";
import { productionProgrammes, productionStages } from "@/db/schema";
import { ProgrammeUpdateInput, StagesSaveInput } from "@/lib/validators/production";
import { inTransaction, type OrgScope, type ServiceContext } from "@/server/context";
import { conflict, fieldError, isUniqueViolation, notFound } from "@/server/errors";
import { outboundPolicy } from "@/server/outbound/guarded-fetch";
import { isMerchantSecretDefault } from "@/server/secrets";
import { openProgrammeSecret, sealProgrammeSecret } from "./secret";

/** The source's programme: 天天工厂 (Taobao 天天特卖 sellers' factory programme). */
export const TIANTIAN = { code: "tiantian", name: "天天工厂" } as const;

/** Its standard production stages, seeded per merchant and editable afterwards. */
export const TIANTIAN_STAGES = [
  { code: "MATERIAL", name: "物料采购" },
  { code: "CUTTING", name: "裁剪" },
  { code: "SEWING", name: "缝制" },
  { code: "FINISHING", name: "后整" },
  { code: "QC", name: "质检" },
  { code: "PACKING", name: "包装" },
  { code: "SHIPPING", name: "发货" },
] as const;

/** Seeder for new merchants (orgSeeders): the programme and its stages; idempotent. */
export async function seedProgrammes(ctx: OrgScope) {
  const { db, orgId } = ctx;
  await db.insert(productionProgrammes).values({ orgId, code: TIANTIAN.code, name: TIANTIAN.name }).onConflictDoNothing();
  const [programme] = await db
    .select({ id: productionProgrammes.id })
    .from(productionProgrammes)
    .where(and(eq(productionProgrammes.orgId, orgId), eq(productionProgrammes.code, TIANTIAN.code)));
  await db
    .insert(productionStages)
    .values(TIANTIAN_STAGES.map((s, i) => ({ orgId, programmeId: programme!.id, code: s.code, name: s.name, seq: i + 1 })))
    .onConflictDoNothing();
}

export type ProgrammeView = {
  id: string;
  code: string;
  name: string;
  endpointUrl: string | null;
  appKey: string | null;
  hasSecret: boolean;
  enabled: boolean;
  stages: { id: string; code: string; name: string; seq: number; enabled: boolean }[];
};

/** The merchant's programmes with their stages; the secret itself never leaves the server. */
export async function listProgrammes(ctx: ServiceContext): Promise<ProgrammeView[]> {
  const programmes = await ctx.db
    .select()
    .from(productionProgrammes)
    .where(eq(productionProgrammes.orgId, ctx.orgId))
    .orderBy(asc(productionProgrammes.createdAt));
  if (programmes.length === 0) return [];
  const stages = await ctx.db
    .select()
    .from(productionStages)
    .where(and(eq(productionStages.orgId, ctx.orgId), inArray(productionStages.programmeId, programmes.map((p) => p.id))))
    .orderBy(asc(productionStages.seq));
  return programmes.map((p) => ({
    id: p.id,
    code: p.code,
    name: p.name,
    endpointUrl: p.endpointUrl,
    appKey: p.appKey,
    hasSecret: !!p.appSecretEnc,
    enabled: p.enabled,
    stages: stages
      .filter((s) => s.programmeId === p.id)
      .map((s) => ({ id: s.id, code: s.code, name: s.name, seq: s.seq, enabled: s.enabled })),
  }));
}

export async function getProgramme(ctx: ServiceContext, id: string): Promise<ProgrammeView> {
  const found = (await listProgrammes(ctx)).find((p) => p.id === id);
  if (!found) throw notFound("programme");
  return found;
}

/** The programme a page shows when none is chosen: the first one (天天工厂 for every merchant). */
export async function defaultProgrammeId(ctx: ServiceContext): Promise<string> {
  const [row] = await ctx.db
    .select({ id: productionProgrammes.id })
    .from(productionProgrammes)
    .where(eq(productionProgrammes.orgId, ctx.orgId))
    .orderBy(asc(productionProgrammes.createdAt))
    .limit(1);
  if (!row) throw notFound("programme");
  return row.id;
}

export async function updateProgramme(ctx: ServiceContext, raw: z.input<typeof ProgrammeUpdateInput>) {
  const input = ProgrammeUpdateInput.parse(raw);
  // What the guarded client would refuse later is refused here, where the merchant can fix it.
  if (input.endpointUrl && outboundPolicy().httpsOnly && !input.endpointUrl.startsWith("https://")) throw fieldError("endpointUrl", "urlHttpsRequired");
  if (input.appSecret && isMerchantSecretDefault("tiantian", input.appSecret)) throw fieldError("appSecret", "secretIsDevelopmentDefault");
  const patch: Partial<typeof productionProgrammes.$inferInsert> = {
    name: input.name,
    endpointUrl: input.endpointUrl || null,
    appKey: input.appKey || null,
    enabled: input.enabled,
  };
  if (input.appSecret) patch.appSecretEnc = sealProgrammeSecret(input.appSecret, ctx.orgId, input.id);
  const [row] = await ctx.db
    .update(productionProgrammes)
    .set(patch)
    .where(and(eq(productionProgrammes.id, input.id), eq(productionProgrammes.orgId, ctx.orgId)))
    .returning({ id: productionProgrammes.id });
  if (!row) throw notFound("programme");
  return getProgramme(ctx, row.id);
}

/** Endpoint and credentials for the relay (server-side only). */
export async function programmeCredentials(ctx: OrgScope, programmeId: string) {
  const { db, orgId } = ctx;
  const [p] = await db
    .select()
    .from(productionProgrammes)
    .where(and(eq(productionProgrammes.id, programmeId), eq(productionProgrammes.orgId, orgId)));
  if (!p) return null;
  return {
    id: p.id,
    code: p.code,
    enabled: p.enabled,
    endpointUrl: p.endpointUrl,
    appKey: p.appKey,
    appSecret: p.appSecretEnc ? openProgrammeSecret(p.appSecretEnc, orgId, p.id) : null,
  };
}

/**
 * Save the stage list in the given order: known stages are renamed, reordered, enabled or disabled;
 * new ones are added. Stages are never deleted (mappings and sent reports refer to them): disable instead.
 */
export async function saveStages(ctx: ServiceContext, raw: z.input<typeof StagesSaveInput>) {
  const input = StagesSaveInput.parse(raw);
  return inTransaction(ctx, async (ctx) => {
    const [programme] = await ctx.db
      .select({ id: productionProgrammes.id })
      .from(productionProgrammes)
      .where(and(eq(productionProgrammes.id, input.programmeId), eq(productionProgrammes.orgId, ctx.orgId)))
      .for("update");
    if (!programme) throw notFound("programme");
    const existing = await ctx.db
      .select()
      .from(productionStages)
      .where(and(eq(productionStages.orgId, ctx.orgId), eq(productionStages.programmeId, programme.id)));
    const byId = new Map(existing.map((s) => [s.id, s]));
    for (const s of input.stages) if (s.id && !byId.has(s.id)) throw notFound("stage");
    const listed = new Set(input.stages.map((s) => s.id).filter(Boolean));
    let seq = 1;
    try {
      for (const s of input.stages) {
        if (s.id) {
          await ctx.db
            .update(productionStages)
            .set({ code: s.code, name: s.name, enabled: s.enabled, seq: seq++ })
            .where(and(eq(productionStages.id, s.id), eq(productionStages.orgId, ctx.orgId)));
        } else {
          await ctx.db.insert(productionStages).values({ orgId: ctx.orgId, programmeId: programme.id, code: s.code, name: s.name, enabled: s.enabled, seq: seq++ });
        }
      }
      // Stages left out of the list keep existing, disabled, after the listed ones.
      for (const s of existing.filter((e) => !listed.has(e.id))) {
        await ctx.db
          .update(productionStages)
          .set({ enabled: false, seq: seq++ })
          .where(and(eq(productionStages.id, s.id), eq(productionStages.orgId, ctx.orgId)));
      }
    } catch (e) {
      if (isUniqueViolation(e, "production_stages_org_code_uq")) throw conflict("stages", "codeTaken");
      throw e;
    }
    return getProgramme(ctx, programme.id);
  });
}
