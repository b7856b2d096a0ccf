import { randomUUID } from "node:crypto";
import type { DbExecutor } from "@/db";
import { endSession, sessionState } from "@/server/services/auth/sessions";
import { getMembership } from "@/server/services/orgs/orgs";

/** Idle timeout (the session cookie slides while in use) and absolute lifetime of a sign-in. */
export const SESSION_IDLE_SECONDS = 8 * 3600;
export const SESSION_ABSOLUTE_SECONDS = 24 * 3600;

export type SessionToken = {
  sub?: string;
  orgId?: unknown;
  authAt?: unknown;
  sid?: unknown;
  sv?: unknown;
  [k: string]: unknown;
};

/**
 * The session token's life: stamped at sign-in (session id, session version), refused once older than
 * the absolute lifetime, once its session signed out or its person's session version moved on (checked
 * in the database on every use, see server/services/auth/sessions.ts), and moved to another merchant
 * only when the user is a member of it (so a forged `update({ orgId })` from the client cannot reach a
 * merchant the user doesn't belong to).
 */
export async function nextSessionToken<T extends SessionToken>(
  db: DbExecutor,
  token: T,
  event: { user?: { id?: string } | null; trigger?: string; session?: unknown; now?: number },
): Promise<T | null> {
  const now = event.now ?? Math.floor(Date.now() / 1000);
  const signingIn = !!event.user?.id;
  if (signingIn) {
    token.sub = event.user!.id;
    token.orgId = null;
    token.authAt = now;
    token.sid = randomUUID();
  }
  if (typeof token.authAt === "number" && now - token.authAt > SESSION_ABSOLUTE_SECONDS) return null;
  if (!token.sub) return token;
  const state = await sessionState(db, token.sub, typeof token.sid === "string" ? token.sid : null);
  if (!state || state.signedOut) return null;
  if (signingIn) token.sv = state.version;
  // Tokens issued before session versions existed count as version 0.
  else if ((typeof token.sv === "number" ? token.sv : 0) !== state.version) return null;
  const requested = (event.session as { orgId?: unknown } | undefined)?.orgId;
  if (event.trigger === "update" && typeof requested === "string") {
    const m = await getMembership(db, token.sub, requested);
    if (m) token.orgId = m.orgId;
  }
  return token;
}

/** Sign-out: this token's session is refused from now on, even if a copy of the cookie is presented. */
export async function endTokenSession(db: DbExecutor, token: SessionToken | null | undefined) {
  if (!token || typeof token.sid !== "string") return;
  const authAt = typeof token.authAt === "number" ? token.authAt : Math.floor(Date.now() / 1000);
  await endSession(db, token.sid, new Date((authAt + SESSION_ABSOLUTE_SECONDS) * 1000));
}
