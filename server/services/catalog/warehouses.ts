import { and, asc, desc, eq, ne } from "drizzle-orm";
import { type z } from "zod";
import { warehouses } from "@/db/schema";
import { SetEnabledInput, WarehouseInput, WarehouseUpdateInput } from "@/lib/validators/catalog";
import { inTransaction, type ServiceContext } from "@/server/context";
import { conflict, DomainError, isUniqueViolation, notFound } from "@/server/errors";

export type WarehouseRow = typeof warehouses.$inferSelect;

export async function listWarehouses(ctx: ServiceContext, opts: { enabledOnly?: boolean } = {}) {
  return ctx.db
    .select()
    .from(warehouses)
    .where(and(eq(warehouses.orgId, ctx.orgId), opts.enabledOnly ? eq(warehouses.enabled, true) : undefined))
    .orderBy(desc(warehouses.isDefault), asc(warehouses.code));
}

export async function getWarehouse(ctx: ServiceContext, id: string) {
  const [row] = await ctx.db.select().from(warehouses).where(and(eq(warehouses.id, id), eq(warehouses.orgId, ctx.orgId)));
  if (!row) throw notFound("warehouse");
  return row;
}

function translateUnique(e: unknown): never {
  if (isUniqueViolation(e, "warehouses_org_code_uq")) throw conflict("code", "codeTaken");
  throw e;
}

async function clearDefault(ctx: ServiceContext, exceptId?: string) {
  await ctx.db
    .update(warehouses)
    .set({ isDefault: false })
    .where(and(eq(warehouses.orgId, ctx.orgId), eq(warehouses.isDefault, true), exceptId ? ne(warehouses.id, exceptId) : undefined));
}

export async function createWarehouse(ctx: ServiceContext, raw: z.input<typeof WarehouseInput>) {
  const input = WarehouseInput.parse(raw);
  return inTransaction(ctx, async (ctx) => {
    const n = await ctx.db.$count(warehouses, eq(warehouses.orgId, ctx.orgId));
    const isDefault = input.isDefault || n === 0;
    if (isDefault) await clearDefault(ctx);
    try {
      const [row] = await ctx.db.insert(warehouses).values({ ...input, isDefault, orgId: ctx.orgId }).returning();
      return row!;
    } catch (e) {
      translateUnique(e);
    }
  });
}

export async function updateWarehouse(ctx: ServiceContext, raw: z.input<typeof WarehouseUpdateInput>) {
  const { id, ...input } = WarehouseUpdateInput.parse(raw);
  return inTransaction(ctx, async (ctx) => {
    const current = await getWarehouse(ctx, id);
    if (current.isDefault && !input.isDefault) {
      throw new DomainError("VALIDATION", { key: "needDefaultWarehouse", params: { field: "isDefault" } }, {
        fieldErrors: { isDefault: { key: "needDefaultWarehouse" } },
      });
    }
    if (current.isDefault && !input.enabled) throw conflictDefaultDisabled();
    if (input.isDefault) await clearDefault(ctx, id);
    try {
      const [row] = await ctx.db
        .update(warehouses)
        .set(input)
        .where(and(eq(warehouses.id, id), eq(warehouses.orgId, ctx.orgId)))
        .returning();
      return row!;
    } catch (e) {
      translateUnique(e);
    }
  });
}

const conflictDefaultDisabled = () =>
  new DomainError("VALIDATION", { key: "defaultWarehouseDisabled", params: { field: "enabled" } }, {
    fieldErrors: { enabled: { key: "defaultWarehouseDisabled" } },
  });

export async function setWarehouseEnabled(ctx: ServiceContext, raw: z.input<typeof SetEnabledInput>) {
  const input = SetEnabledInput.parse(raw);
  const current = await getWarehouse(ctx, input.id);
  if (current.isDefault && !input.enabled) throw conflictDefaultDisabled();
  const [row] = await ctx.db
    .update(warehouses)
    .set({ enabled: input.enabled })
    .where(and(eq(warehouses.id, input.id), eq(warehouses.orgId, ctx.orgId)))
    .returning();
  return row!;
}
