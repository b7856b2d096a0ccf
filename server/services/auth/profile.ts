import { eq, sql } from "drizzle-orm";
import type { z } from "zod";
import type { DbExecutor } from "@/db";
import { users } from "@/db/schema";
import type { Locale } from "@/lib/i18n/config";
import { ChangePasswordInput, UpdateProfileInput } from "@/lib/validators/account";
import { fieldError, notFound } from "@/server/errors";
import { hashPassword } from "./passwords";
import { verifyCurrentPassword } from "./sign-in";

/** A person's own profile; not merchant data, so keyed by the signed-in user only. */
export async function getProfile(db: DbExecutor, userId: string) {
  const [row] = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      locale: users.locale,
      createdAt: users.createdAt,
    })
    .from(users)
    .where(eq(users.id, userId));
  if (!row) throw notFound("user");
  return row;
}

/** The person behind a session, or null when the user row is gone. */
export async function personOf(db: DbExecutor, userId: string) {
  const [row] = await db
    .select({ id: users.id, email: users.email, name: users.name, locale: users.locale })
    .from(users)
    .where(eq(users.id, userId));
  return row ?? null;
}

/** Remember the language a person chose, for their next sign-in. */
export async function setProfileLocale(db: DbExecutor, userId: string, locale: Locale) {
  await db.update(users).set({ locale }).where(eq(users.id, userId));
}

export async function updateProfile(db: DbExecutor, userId: string, raw: z.input<typeof UpdateProfileInput>) {
  const input = UpdateProfileInput.parse(raw);
  await db.update(users).set({ name: input.name }).where(eq(users.id, userId));
  return getProfile(db, userId);
}

/**
 * Change one's password; the current one must be given (a stolen session alone cannot lock the owner
 * out), with the sign-in limiter's attempt limit. Every session of the person ends, this one included
 * (a thief's copy of a cookie must not survive the change): the form signs in again.
 */
export async function changePassword(
  db: DbExecutor,
  userId: string,
  raw: z.input<typeof ChangePasswordInput>,
) {
  const input = ChangePasswordInput.parse(raw);
  const [row] = await db
    .select({ email: users.email, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.id, userId));
  if (!row) throw notFound("user");
  if (!(await verifyCurrentPassword(db, row, input.currentPassword)))
    throw fieldError("currentPassword", "wrongPassword");
  await db
    .update(users)
    .set({
      passwordHash: await hashPassword(input.newPassword),
      sessionVersion: sql`${users.sessionVersion} + 1`,
    })
    .where(eq(users.id, userId));
}
