import { tenantDb, type Db } from "@/db";
import { isRole } from "@/lib/permissions";
import type { ServiceContext } from "@/server/context";
import { DomainError } from "@/server/errors";
import { noteOrg } from "@/server/observability/context";
import { authenticateApiKey } from "@/server/services/auth/api-keys";
import { getMembership, listMyOrganizations } from "@/server/services/orgs/orgs";

type Caller = { db: Db; session: { userId: string; orgId: string | null } | null; authorization: string | null };

/**
 * The merchant and role of a caller: from a live API key (Authorization: Bearer), or from the session's
 * chosen merchant checked against memberships on every request (falling back to the first membership).
 * This is the only way any entry point obtains an org id. The lookups run on the owner pool (`caller.db`:
 * a key or a person is presented before the merchant is known); the context's database is that
 * merchant's (`tenantDb`), so everything the caller then does is under row-level security.
 */
export async function resolveServiceContext(caller: Caller): Promise<ServiceContext> {
  const authz = caller.authorization;
  if (authz) {
    const token = authz.toLowerCase().startsWith("bearer ") ? authz.slice(7).trim() : "";
    const key = token ? await authenticateApiKey(caller.db, token) : null;
    if (!key) throw new DomainError("UNAUTHORIZED", { key: "badApiKey" });
    noteOrg(key.orgId);
    return { db: tenantDb(caller.db, key.orgId), orgId: key.orgId, role: key.role, actor: { type: "apiKey", apiKeyId: key.apiKeyId } };
  }
  const session = caller.session;
  if (!session?.userId) throw new DomainError("UNAUTHORIZED", { key: "signInRequired" });
  let membership = session.orgId ? await getMembership(caller.db, session.userId, session.orgId) : null;
  if (!membership) {
    const [first] = await listMyOrganizations(caller.db, session.userId);
    membership = first ? { orgId: first.id, role: first.role } : null;
  }
  if (!membership || !isRole(membership.role)) throw new DomainError("FORBIDDEN", { key: "noMerchant" });
  noteOrg(membership.orgId);
  return { db: tenantDb(caller.db, membership.orgId), orgId: membership.orgId, role: membership.role, actor: { type: "user", userId: session.userId } };
}
