import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { and, eq, gt, lt, or, sql } from "drizzle-orm";
import type { DbExecutor } from "@/db";
import { loginAttempts, users } from "@/db/schema";
import { DomainError } from "@/server/errors";
import { getSecret, isPublishedPassword } from "@/server/secrets";
import { verifyPassword } from "./passwords";

/**
 * Failed attempts allowed in the window (ASVS 2.2.1). A limit keyed on the email alone would let
 * anyone lock the owner out by typing wrong passwords, so the counts are split:
 * - perIp: failures from one address, whatever the email (password spraying);
 * - perEmailAndIp: failures for one email from one address (the common attacker);
 * - perEmail: failures for one email from browsers it never signed in on, from all addresses (a
 *   distributed attack) — this refuses new browsers only;
 * - perDevice: failures from one known browser (a device cookie set by an earlier successful sign-in
 *   of this account, OWASP's "device cookies"). A known browser is counted only here, so the owner's
 *   own browsers keep signing in with the right password while an attacker elsewhere is refused.
 */
export const SIGN_IN_LIMITS = {
  windowMinutes: 15,
  perIp: 50,
  perEmailAndIp: 10,
  perEmail: 30,
  perDevice: 10,
};

/** Wrong current passwords allowed per account and window when changing the password. */
export const PASSWORD_CHANGE_LIMIT = 10;

// A real hash of a random password, so unknown emails cost the same time as known ones.
export const DUMMY_HASH =
  "scrypt$32768$8$1$c2FsdHNhbHRzYWx0c2FsdA==$4mYnA3Yx0bV9t7o5WlKcHq4f1b6kQy7c2m9Jm8d5fZs=";

export type SignInResult = { id: string; email: string; name: string; deviceToken: string };

type AttemptKind = "sign_in" | "password_change";

const tooMany = (key = "tooManyAttempts") =>
  new DomainError("RATE_LIMITED", { key, params: { minutes: SIGN_IN_LIMITS.windowMinutes } });

const deviceMac = (userId: string, deviceId: string) =>
  createHmac("sha256", getSecret("AUTH_SECRET")).update(`device:${userId}:${deviceId}`).digest("base64url");

/** A device cookie for this account: a random id and its MAC, so it cannot be forged or moved to another account. */
export function newDeviceToken(userId: string): string {
  const deviceId = randomBytes(16).toString("base64url");
  return `${deviceId}.${deviceMac(userId, deviceId)}`;
}

/** The device id of a genuine device cookie of this account, else null. */
export function deviceOf(userId: string, token: string | null | undefined): string | null {
  const [deviceId, mac, extra] = (token ?? "").split(".");
  if (!deviceId || !mac || extra !== undefined || deviceId.length > 64) return null;
  const expected = Buffer.from(deviceMac(userId, deviceId));
  const given = Buffer.from(mac);
  return given.length === expected.length && timingSafeEqual(given, expected) ? deviceId : null;
}

/** Recent failures of one kind, counted every way the limits need, in one query. */
async function recentFailures(
  db: DbExecutor,
  kind: AttemptKind,
  key: { email: string; ip: string; device: string | null },
) {
  const since = new Date(Date.now() - SIGN_IN_LIMITS.windowMinutes * 60_000);
  const a = loginAttempts;
  const [row] = await db
    .select({
      byIp: sql<number>`count(*) filter (where ${a.ip} = ${key.ip})::int`,
      byEmailAndIp: sql<number>`count(*) filter (where ${a.email} = ${key.email} and ${a.ip} = ${key.ip})::int`,
      byEmail: sql<number>`count(*) filter (where ${a.email} = ${key.email} and ${a.device} is null)::int`,
      byDevice: sql<number>`count(*) filter (where ${a.email} = ${key.email} and ${a.device} = ${key.device ?? ""})::int`,
    })
    .from(a)
    .where(
      and(
        eq(a.kind, kind),
        eq(a.success, false),
        gt(a.createdAt, since),
        or(eq(a.email, key.email), eq(a.ip, key.ip)),
      ),
    );
  return row ?? { byIp: 0, byEmailAndIp: 0, byEmail: 0, byDevice: 0 };
}

/**
 * Check credentials, refusing once the limits above are reached. The counts live in PostgreSQL so they
 * hold across processes. `deviceToken` is the browser's device cookie, if any; the answer carries the
 * one to keep (the same, or a new one after the first successful sign-in on this browser).
 */
export async function verifyCredentials(
  db: DbExecutor,
  input: { email: string; password: string; ip: string; deviceToken?: string | null },
): Promise<SignInResult> {
  const email = input.email.trim().toLowerCase();
  const [user] = await db
    .select({ id: users.id, email: users.email, name: users.name, passwordHash: users.passwordHash })
    .from(users)
    .where(sql`lower(${users.email}) = ${email}`);
  const device = user ? deviceOf(user.id, input.deviceToken) : null;
  const n = await recentFailures(db, "sign_in", { email, ip: input.ip, device });
  const limited = device
    ? n.byDevice >= SIGN_IN_LIMITS.perDevice
    : n.byIp >= SIGN_IN_LIMITS.perIp ||
      n.byEmailAndIp >= SIGN_IN_LIMITS.perEmailAndIp ||
      n.byEmail >= SIGN_IN_LIMITS.perEmail;
  if (limited) throw tooMany();
  // The published demo password opens nothing in production (counted as a failure like any other).
  const ok = (await verifyPassword(input.password, user?.passwordHash ?? DUMMY_HASH)) && !isPublishedPassword(input.password);
  await db
    .insert(loginAttempts)
    .values({ kind: "sign_in", email, ip: input.ip, device, success: ok && !!user });
  if (!ok || !user) throw new DomainError("UNAUTHORIZED", { key: "badCredentials" });
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    deviceToken: device ? input.deviceToken! : newDeviceToken(user.id),
  };
}

/**
 * The current password, checked with the sign-in limiter's counts: after PASSWORD_CHANGE_LIMIT wrong
 * ones in the window the account's password cannot be changed (so a stolen session cannot guess it).
 */
export async function verifyCurrentPassword(
  db: DbExecutor,
  user: { email: string; passwordHash: string },
  password: string,
): Promise<boolean> {
  const email = user.email.trim().toLowerCase();
  const n = await recentFailures(db, "password_change", { email, ip: "session", device: null });
  if (n.byEmailAndIp >= PASSWORD_CHANGE_LIMIT) throw tooMany("tooManyPasswordAttempts");
  const ok = await verifyPassword(password, user.passwordHash);
  await db.insert(loginAttempts).values({ kind: "password_change", email, ip: "session", success: ok });
  return ok;
}

/** Housekeeping: attempts older than a day are no longer needed. */
export async function pruneLoginAttempts(db: DbExecutor) {
  await db.delete(loginAttempts).where(lt(loginAttempts.createdAt, new Date(Date.now() - 24 * 3600_000)));
}
