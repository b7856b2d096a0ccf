import { eq } from "drizzle-orm";
import type { z } from "zod";
import type { DbExecutor } from "@/db";
import { users } from "@/db/schema";
import { ChangePasswordInput, UpdateProfileInput } from "@/lib/validators/account";
import { fieldError, notFound } from "@/server/errors";
import { hashPassword, verifyPassword } from "./passwords";

/** A person's own profile; not merchant data, so keyed by the signed-in user only. */
export async function getProfile(db: DbExecutor, userId: string) {
  const [row] = await db
    .select({ id: users.id, email: users.email, name: users.name, locale: users.locale, createdAt: users.createdAt })
    .from(users)
    .where(eq(users.id, userId));
  if (!row) throw notFound("user");
  return row;
}

export async function updateProfile(db: DbExecutor, userId: string, raw: z.input<typeof UpdateProfileInput>) {
  const input = UpdateProfileInput.parse(raw);
  await db.update(users).set({ name: input.name }).where(eq(users.id, userId));
  return getProfile(db, userId);
}

/** Change one's password; the current one must be given (a stolen session alone cannot lock the owner out). */
export async function changePassword(db: DbExecutor, userId: string, raw: z.input<typeof ChangePasswordInput>) {
  const input = ChangePasswordInput.parse(raw);
  const [row] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId));
  if (!row) throw notFound("user");
  if (!(await verifyPassword(input.currentPassword, row.passwordHash))) throw fieldError("currentPassword", "wrongPassword");
  await db.update(users).set({ passwordHash: await hashPassword(input.newPassword) }).where(eq(users.id, userId));
}
