import { and, asc, eq, ne } from "drizzle-orm";
import { type z } from "zod";
import { deliveryMethods } from "@/db/schema";
import { DeliveryMethodInput, DeliveryMethodUpdateInput, SetEnabledInput } from "@/lib/validators/catalog";
import { inTransaction, type ServiceContext } from "@/server/context";
import { conflict, isUniqueViolation, notFound } from "@/server/errors";

export async function listDeliveryMethods(ctx: ServiceContext, opts: { enabledOnly?: boolean } = {}) {
  return ctx.db
    .select()
    .from(deliveryMethods)
    .where(and(eq(deliveryMethods.orgId, ctx.orgId), opts.enabledOnly ? eq(deliveryMethods.enabled, true) : undefined))
    .orderBy(asc(deliveryMethods.sortOrder), asc(deliveryMethods.name));
}

function translateUnique(e: unknown): never {
  if (isUniqueViolation(e, "delivery_methods_org_name_uq")) throw conflict("name", "nameTaken");
  throw e;
}

async function save(ctx: ServiceContext, id: string | null, input: z.output<typeof DeliveryMethodInput>) {
  return inTransaction(ctx, async (ctx) => {
    if (input.isDefault) {
      await ctx.db
        .update(deliveryMethods)
        .set({ isDefault: false })
        .where(and(eq(deliveryMethods.orgId, ctx.orgId), id ? ne(deliveryMethods.id, id) : undefined));
    }
    try {
      if (!id) {
        const [row] = await ctx.db.insert(deliveryMethods).values({ ...input, orgId: ctx.orgId }).returning();
        return row!;
      }
      const [row] = await ctx.db
        .update(deliveryMethods)
        .set(input)
        .where(and(eq(deliveryMethods.id, id), eq(deliveryMethods.orgId, ctx.orgId)))
        .returning();
      if (!row) throw notFound("deliveryMethod");
      return row;
    } catch (e) {
      if (e instanceof Error && e.name === "DomainError") throw e;
      translateUnique(e);
    }
  });
}

export const createDeliveryMethod = (ctx: ServiceContext, raw: z.input<typeof DeliveryMethodInput>) =>
  save(ctx, null, DeliveryMethodInput.parse(raw));

export async function updateDeliveryMethod(ctx: ServiceContext, raw: z.input<typeof DeliveryMethodUpdateInput>) {
  const { id, ...input } = DeliveryMethodUpdateInput.parse(raw);
  return save(ctx, id, input);
}

export async function setDeliveryMethodEnabled(ctx: ServiceContext, raw: z.input<typeof SetEnabledInput>) {
  const input = SetEnabledInput.parse(raw);
  const [row] = await ctx.db
    .update(deliveryMethods)
    .set({ enabled: input.enabled })
    .where(and(eq(deliveryMethods.id, input.id), eq(deliveryMethods.orgId, ctx.orgId)))
    .returning();
  if (!row) throw notFound("deliveryMethod");
  return row;
}
