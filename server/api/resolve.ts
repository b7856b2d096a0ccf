import type { Db } from "@/db";
import { isRole } from "@/lib/permissions";
import type { ServiceContext } from "@/server/context";
import { DomainError } from "@/server/errors";
import { authenticateApiKey } from "@/server/services/auth/api-keys";
import { getMembership, listMyOrganizations } from "@/server/services/orgs/orgs";

type Caller = { db: Db; session: { userId: string; orgId: string | null } | null; authorization: string | null };

/**
 * The merchant and role of a caller: from a live API key (Authorization: Bearer), or from the session's
 * chosen merchant checked against memberships on every request (falling back to the first membership).
 * This is the only way any entry point obtains an org id.
 */
export async function resolveServiceContext(caller: Caller): Promise<ServiceContext> {
  const authz = caller.authorization;
  if (authz) {
    const token = authz.toLowerCase().startsWith("bearer ") ? authz.slice(7).trim() : "";
    const key = token ? await authenticateApiKey(caller.db, token) : null;
    if (!key) throw new DomainError("UNAUTHORIZED", { key: "badApiKey" });
    return { db: caller.db, orgId: key.orgId, role: key.role, actor: { type: "apiKey", apiKeyId: key.apiKeyId } };
  }
  const session = caller.session;
  if (!session?.userId) throw new DomainError("UNAUTHORIZED", { key: "signInRequired" });
  let membership = session.orgId ? await getMembership(caller.db, session.userId, session.orgId) : null;
  if (!membership) {
    const [first] = await listMyOrganizations(caller.db, session.userId);
    membership = first ? { orgId: first.id, role: first.role } : null;
  }
  if (!membership || !isRole(membership.role)) throw new DomainError("FORBIDDEN", { key: "noMerchant" });
  return { db: caller.db, orgId: membership.orgId, role: membership.role, actor: { type: "user", userId: session.userId } };
}
