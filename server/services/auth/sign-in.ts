import { and, count, eq, gt, lt, sql } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { loginAttempts, users } from "@/db/schema";
import { DomainError } from "@/server/errors";
import { verifyPassword } from "./passwords";

/** Failed attempts allowed in the window, per account and per client address (ASVS 6.3.1 / 2.2.1). */
export const SIGN_IN_LIMITS = { windowMinutes: 15, perEmail: 10, perIp: 50 };

// A real hash of a random password, so unknown emails cost the same time as known ones.
export const DUMMY_HASH =
  "scrypt$32768$8$1$c2FsdHNhbHRzYWx0c2FsdA==$4mYnA3Yx0bV9t7o5WlKcHq4f1b6kQy7c2m9Jm8d5fZs=";

export type SignInResult = { id: string; email: string; name: string };

/**
 * Check credentials, refusing once an email or an address has too many recent failures. The limit is
 * kept in PostgreSQL so it holds across processes; an attacker can only slow an account down for the
 * window, never lock it out for good.
 */
export async function verifyCredentials(
  db: DbExecutor,
  input: { email: string; password: string; ip: string },
): Promise<SignInResult> {
  const email = input.email.trim().toLowerCase();
  const since = new Date(Date.now() - SIGN_IN_LIMITS.windowMinutes * 60_000);
  const [[byEmail], [byIp]] = await Promise.all([
    db
      .select({ n: count() })
      .from(loginAttempts)
      .where(and(eq(loginAttempts.email, email), eq(loginAttempts.success, false), gt(loginAttempts.createdAt, since))),
    db
      .select({ n: count() })
      .from(loginAttempts)
      .where(and(eq(loginAttempts.ip, input.ip), eq(loginAttempts.success, false), gt(loginAttempts.createdAt, since))),
  ]);
  if ((byEmail?.n ?? 0) >= SIGN_IN_LIMITS.perEmail || (byIp?.n ?? 0) >= SIGN_IN_LIMITS.perIp) {
    throw new DomainError("RATE_LIMITED", { key: "tooManyAttempts", params: { minutes: SIGN_IN_LIMITS.windowMinutes } });
  }
  const [user] = await db
    .select({ id: users.id, email: users.email, name: users.name, passwordHash: users.passwordHash })
    .from(users)
    .where(sql`lower(${users.email}) = ${email}`);
  const ok = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_HASH);
  await db.insert(loginAttempts).values({ email, ip: input.ip, success: ok && !!user });
  if (!ok || !user) throw new DomainError("UNAUTHORIZED", { key: "badCredentials" });
  return { id: user.id, email: user.email, name: user.name };
}

/** Housekeeping: attempts older than a day are no longer needed. */
export async function pruneLoginAttempts(db: DbExecutor) {
  await db.delete(loginAttempts).where(lt(loginAttempts.createdAt, new Date(Date.now() - 24 * 3600_000)));
}
