"use server";

import { eq } from "drizzle-orm";
import { cookies } from "next/headers";
import { db } from "@/db";
import { users } from "@/db/schema";
import { isLocale, LOCALE_COOKIE } from "@/lib/i18n/config";
import { auth, signOut, unstable_update } from "@/server/auth";
import { getMembership } from "@/server/services/orgs/orgs";

export async function setLocaleAction(locale: string) {
  if (!isLocale(locale)) return;
  const jar = await cookies();
  jar.set(LOCALE_COOKIE, locale, { path: "/", sameSite: "lax", maxAge: 365 * 24 * 3600 });
  const session = await auth();
  if (session?.user?.id) await db.update(users).set({ locale }).where(eq(users.id, session.user.id));
}

/** Switch the active merchant; refused unless the user is a member of it. */
export async function switchOrgAction(orgId: string): Promise<{ ok: boolean }> {
  const session = await auth();
  if (!session?.user?.id) return { ok: false };
  const membership = await getMembership(db, session.user.id, orgId);
  if (!membership) return { ok: false };
  await unstable_update({ orgId } as never);
  return { ok: true };
}

export async function signOutAction() {
  await signOut({ redirectTo: "/sign-in" });
}
