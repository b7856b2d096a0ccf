import { afterAll, describe, expect, it } from "vitest";
import { users } from "@/db/schema";
import { endTokenSession, nextSessionToken, type SessionToken } from "@/server/auth/session-token";
import { hashPassword } from "@/server/services/auth/passwords";
import { changePassword } from "@/server/services/auth/profile";
import { endAllSessions } from "@/server/services/auth/sessions";
import { closeTestDb, createTestOrg, createTestUser, sessionCaller, testDb } from "../helpers/db";
import { eq } from "drizzle-orm";

afterAll(closeTestDb);

/** A token as next-auth keeps it after sign-in, and one later use of it (the jwt callback). */
const signIn = async (userId: string) =>
  (await nextSessionToken(testDb(), {} as SessionToken, { user: { id: userId } }))!;
const use = (token: SessionToken) => nextSessionToken(testDb(), { ...token }, {});

describe("finding 7: sessions end on sign-out, sign-out everywhere, password change and removal", () => {
  it("a signed-out token is refused even when a copy of the cookie is presented; other sessions live on", async () => {
    const org = await createTestOrg();
    const here = await signIn(org.ownerId);
    const there = await signIn(org.ownerId);
    expect(await use(here)).not.toBeNull();
    await endTokenSession(testDb(), here);
    expect(await use(here)).toBeNull();
    expect(await use(there)).not.toBeNull();
  });

  it("sign out everywhere ends every session; a new sign-in works", async () => {
    const org = await createTestOrg();
    const a = await signIn(org.ownerId);
    const b = await signIn(org.ownerId);
    await endAllSessions(testDb(), org.ownerId);
    expect(await use(a)).toBeNull();
    expect(await use(b)).toBeNull();
    expect(await use(await signIn(org.ownerId))).not.toBeNull();
  });

  it("a password change ends every session", async () => {
    const org = await createTestOrg();
    await testDb()
      .update(users)
      .set({ passwordHash: await hashPassword("old-password-1") })
      .where(eq(users.id, org.ownerId));
    const token = await signIn(org.ownerId);
    await changePassword(testDb(), org.ownerId, {
      currentPassword: "old-password-1",
      newPassword: "new-password-2",
    });
    expect(await use(token)).toBeNull();
  });

  it("removal from a merchant ends the removed person's sessions", async () => {
    const org = await createTestOrg();
    const member = await createTestUser(org.orgId, "operator");
    const token = await signIn(member);
    await sessionCaller(org.ownerId, org.orgId).account.removeMember({ userId: member });
    expect(await use(token)).toBeNull();
  });

  it("tokens issued before session versions (no sid/sv) keep working until something ends them", async () => {
    const org = await createTestOrg();
    const legacy: SessionToken = { sub: org.ownerId, orgId: null, authAt: Math.floor(Date.now() / 1000) };
    expect(await use(legacy)).not.toBeNull();
    await endAllSessions(testDb(), org.ownerId);
    expect(await use(legacy)).toBeNull();
  });
});
