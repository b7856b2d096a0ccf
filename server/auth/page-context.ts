import { redirect } from "next/navigation";
import { cache } from "react";
import { db } from "@/db";
import { resolveServiceContext } from "@/server/api/resolve";
import { auth } from "@/server/auth";
import { DomainError } from "@/server/errors";

/**
 * For server components: the signed-in user's service context (memoised per request), or a redirect to
 * sign-in. Pages use it to read through the same services as tRPC.
 */
export const requirePageContext = cache(async () => {
  const session = await auth();
  if (!session?.user?.id) redirect("/sign-in");
  try {
    const svc = await resolveServiceContext({ db, session: { userId: session.user.id, orgId: session.orgId }, authorization: null });
    return { svc, session };
  } catch (e) {
    if (e instanceof DomainError && (e.code === "UNAUTHORIZED" || e.code === "FORBIDDEN")) redirect("/sign-in");
    throw e;
  }
});
