import { eq } from "drizzle-orm";
import { organizations } from "@/db/schema";
import type { OrgScope } from "@/server/context";
import { notFound } from "@/server/errors";
import { dayInZone } from "@/lib/i18n/day";
import type { Precision } from "@/lib/precision";

/** What documents are checked and numbered with: the merchant's precision and time zone. */
export type MerchantSettings = Precision & { timezone: string };

/** The one reader of a merchant's document settings (orders, plans, warehouse documents, pages). */
export async function merchantSettings(ctx: OrgScope): Promise<MerchantSettings> {
  const [row] = await ctx.db
    .select({
      amountDecimals: organizations.amountDecimals,
      priceDecimals: organizations.priceDecimals,
      quantityDecimals: organizations.quantityDecimals,
      timezone: organizations.timezone,
    })
    .from(organizations)
    .where(eq(organizations.id, ctx.orgId));
  if (!row) throw notFound("organization");
  return row;
}

/** Today (YYYY-MM-DD) in the merchant's time zone: export file names, day defaults on the server. */
export async function merchantToday(ctx: OrgScope): Promise<string> {
  return dayInZone((await merchantSettings(ctx)).timezone);
}
