import { eq, lt, sql } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { signedOutSessions, users } from "@/db/schema";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Session tokens are JWTs in a cookie, valid on their own until they expire; these two records are
 * what lets the server end them early. A token carries its session id (`sid`) and the person's
 * session version (`sv`) at sign-in: it is refused once that session signed out, or once the version
 * moved on (sign out everywhere, password change, removal from a merchant).
 */
export async function sessionState(db: DbExecutor, userId: string, sessionId: string | null) {
  if (!UUID.test(userId)) return null;
  const [row] = await db
    .select({
      version: users.sessionVersion,
      signedOut: sql<boolean>`exists (select 1 from ${signedOutSessions} where ${signedOutSessions.sessionId} = ${sessionId ?? ""})`,
    })
    .from(users)
    .where(eq(users.id, userId));
  return row ?? null;
}

/** End every session of this person, everywhere. */
export async function endAllSessions(db: DbExecutor, userId: string) {
  await db
    .update(users)
    .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
    .where(eq(users.id, userId));
}

/** End one session (sign-out); kept until the token would have expired anyway. */
export async function endSession(db: DbExecutor, sessionId: string, expiresAt: Date) {
  await db.insert(signedOutSessions).values({ sessionId, expiresAt }).onConflictDoNothing();
}

/** Housekeeping: signed-out sessions past their expiry can no longer be presented. */
export async function pruneSignedOutSessions(db: DbExecutor) {
  const gone = await db
    .delete(signedOutSessions)
    .where(lt(signedOutSessions.expiresAt, new Date()))
    .returning({ id: signedOutSessions.sessionId });
  return gone.length;
}
