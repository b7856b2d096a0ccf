import type { DbExecutor } from "@/db";
import { getMembership } from "@/server/services/orgs/orgs";

/** Idle timeout (the session cookie slides while in use) and absolute lifetime of a sign-in. */
export const SESSION_IDLE_SECONDS = 8 * 3600;
export const SESSION_ABSOLUTE_SECONDS = 24 * 3600;

export type SessionToken = { sub?: string; orgId?: unknown; authAt?: unknown; [k: string]: unknown };

/**
 * The session token's life: stamped at sign-in, refused once older than the absolute lifetime, and
 * moved to another merchant only when the user is a member of it (checked in the database, so a
 * forged `update({ orgId })` from the client cannot reach a merchant the user doesn't belong to).
 */
export async function nextSessionToken<T extends SessionToken>(
  db: DbExecutor,
  token: T,
  event: { user?: { id?: string } | null; trigger?: string; session?: unknown; now?: number },
): Promise<T | null> {
  const now = event.now ?? Math.floor(Date.now() / 1000);
  if (event.user?.id) {
    token.sub = event.user.id;
    token.orgId = null;
    token.authAt = now;
  }
  if (typeof token.authAt === "number" && now - token.authAt > SESSION_ABSOLUTE_SECONDS) return null;
  const requested = (event.session as { orgId?: unknown } | undefined)?.orgId;
  if (event.trigger === "update" && token.sub && typeof requested === "string") {
    const m = await getMembership(db, token.sub, requested);
    if (m) token.orgId = m.orgId;
  }
  return token;
}
