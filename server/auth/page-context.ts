import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { db } from "@/db";
import { DEFAULT_TIME_ZONE } from "@/lib/i18n/config";
import { isUuid } from "@/lib/validators/common";
import { resolveServiceContext } from "@/server/api/resolve";
import { auth } from "@/server/auth";
import { DomainError } from "@/server/errors";
import { getOrganization } from "@/server/services/orgs/orgs";

/** The signed-in caller of this request and their merchant, or null (signed out, or no merchant any more). */
const pageCaller = cache(async () => {
  const session = await auth();
  if (!session?.user?.id) return null;
  try {
    const svc = await resolveServiceContext({ db, session: { userId: session.user.id, orgId: session.orgId }, authorization: null });
    return { svc, session };
  } catch (e) {
    if (e instanceof DomainError && (e.code === "UNAUTHORIZED" || e.code === "FORBIDDEN")) return null;
    throw e;
  }
});

/**
 * For server components: the signed-in user's service context (memoised per request), or a redirect to
 * sign-in. Pages use it to read through the same services as tRPC.
 */
export const requirePageContext = cache(async () => {
  const caller = await pageCaller();
  if (!caller) redirect("/sign-in");
  return caller;
});

/** The zone every page renders dates in: the signed-in merchant's, else the default (sign-in pages). */
export const pageTimeZone = cache(async () => {
  const caller = await pageCaller();
  return caller ? (await getOrganization(caller.svc)).timezone : DEFAULT_TIME_ZONE;
});

/**
 * A page's record by the id in its URL: an id that cannot name a row, or a service answering NOT_FOUND
 * (another merchant's record included), renders the 404 page; any other error propagates.
 */
export async function loadOrNotFound<T>(id: string, load: (id: string) => Promise<T>): Promise<T> {
  if (!isUuid(id)) notFound();
  try {
    return await load(id);
  } catch (e) {
    if (e instanceof DomainError && e.code === "NOT_FOUND") notFound();
    throw e;
  }
}
