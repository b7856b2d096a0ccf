import { eq } from "drizzle-orm";
import { type z } from "zod";
import { organizations } from "@/db/schema";
import { ReportingCurrencyInput } from "@/lib/validators/finance";
import { type OrgScope, type ServiceContext } from "@/server/context";
import { notFound } from "@/server/errors";

/** The currency the merchant reports in (default CNY); manual and open-API orders are priced in it. */
export async function reportingCurrency(ctx: OrgScope): Promise<string> {
  const [row] = await ctx.db.select({ c: organizations.reportingCurrency }).from(organizations).where(eq(organizations.id, ctx.orgId));
  if (!row) throw notFound("organization");
  return row.c;
}

export async function setReportingCurrency(ctx: ServiceContext, raw: z.input<typeof ReportingCurrencyInput>) {
  const { currency } = ReportingCurrencyInput.parse(raw);
  await ctx.db.update(organizations).set({ reportingCurrency: currency }).where(eq(organizations.id, ctx.orgId));
  return { currency };
}
