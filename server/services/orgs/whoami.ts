import type { ServiceContext } from "@/server/context";
import { personOf } from "../auth/profile";
import { getOrganization, listMyOrganizations } from "./orgs";

/**
 * Who is calling, in which merchant, with which role: the signed-in person (none for an API key), the
 * merchants they belong to, and the merchant's precision and time zone. The dashboard frame and
 * `account.me` both read this.
 */
export async function whoAmI(ctx: ServiceContext) {
  const [org, user] = await Promise.all([getOrganization(ctx), ctx.actor.type === "user" ? personOf(ctx.db, ctx.actor.userId) : null]);
  const memberships = user ? await listMyOrganizations(ctx.db, user.id) : [];
  return {
    user,
    org: { id: org.id, name: org.name, slug: org.slug, timezone: org.timezone },
    role: ctx.role,
    memberships,
    precision: { amountDecimals: org.amountDecimals, priceDecimals: org.priceDecimals, quantityDecimals: org.quantityDecimals },
  };
}
