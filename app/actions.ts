"use server";

import { cookies, headers } from "next/headers";
import { db } from "@/db";
import { isLocale, LOCALE_COOKIE } from "@/lib/i18n/config";
import { auth, signOut, unstable_update } from "@/server/auth";
import { setProfileLocale } from "@/server/services/auth/profile";
import { endAllSessions } from "@/server/services/auth/sessions";
import { getMembership } from "@/server/services/orgs/orgs";

export async function setLocaleAction(locale: string) {
  if (!isLocale(locale)) return;
  const jar = await cookies();
  const secure = (await headers()).get("x-forwarded-proto") === "https";
  jar.set(LOCALE_COOKIE, locale, { path: "/", sameSite: "lax", secure, maxAge: 365 * 24 * 3600 });
  const session = await auth();
  if (session?.user?.id) await setProfileLocale(db, session.user.id, locale);
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

/** 用户中心 → 退出所有设备: every session of this person ends, on every device, this one included. */
export async function signOutEverywhereAction() {
  const session = await auth();
  if (session?.user?.id) await endAllSessions(db, session.user.id);
  await signOut({ redirectTo: "/sign-in" });
}
