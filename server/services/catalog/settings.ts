import { eq } from "drizzle-orm";
import type { z } from "zod";
import { organizations } from "@/db/schema";
import { PrecisionInput } from "@/lib/validators/catalog";
import { OrgProfileInput } from "@/lib/validators/account";
import type { ServiceContext } from "@/server/context";
import { fieldError } from "@/server/errors";
import { getPrecision } from "../_lib/precision";

export const getSettings = async (ctx: ServiceContext) => {
  const [org] = await ctx.db
    .select({ name: organizations.name, slug: organizations.slug, timezone: organizations.timezone })
    .from(organizations)
    .where(eq(organizations.id, ctx.orgId));
  return { ...org!, precision: await getPrecision(ctx) };
};

export async function updatePrecision(ctx: ServiceContext, raw: z.input<typeof PrecisionInput>) {
  const input = PrecisionInput.parse(raw);
  await ctx.db.update(organizations).set(input).where(eq(organizations.id, ctx.orgId));
  return getPrecision(ctx);
}

// Shared with the 用户中心 form; re-exported for existing importers.
export { OrgProfileInput };

export async function updateOrgProfile(ctx: ServiceContext, raw: z.input<typeof OrgProfileInput>) {
  const input = OrgProfileInput.parse(raw);
  if (!Intl.supportedValuesOf("timeZone").includes(input.timezone) && input.timezone !== "UTC") {
    throw fieldError("timezone", "invalidTimezone");
  }
  await ctx.db.update(organizations).set(input).where(eq(organizations.id, ctx.orgId));
  return getSettings(ctx);
}
