import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { invitations, loginAttempts, memberships, users } from "@/db/schema";
import { DomainError } from "@/server/errors";
import { hashPassword } from "@/server/services/auth/passwords";
import { DUMMY_HASH, SIGN_IN_LIMITS, verifyCredentials } from "@/server/services/auth/sign-in";
import { nextSessionToken, SESSION_ABSOLUTE_SECONDS, type SessionToken } from "@/server/auth/session-token";
import { listMyOrganizations, signUp } from "@/server/services/orgs/orgs";
import { closeTestDb, createTestOrg, sessionCaller, testDb, uid } from "../helpers/db";
import { failure } from "../helpers/trpc";

afterAll(closeTestDb);

const PASSWORD = "correct horse battery";

async function userWithPassword() {
  const email = `${uid("signin")}@test.local`;
  await testDb().insert(users).values({ email, name: "Signer", passwordHash: await hashPassword(PASSWORD) });
  return email;
}

async function attempt(email: string, password: string, ip: string) {
  try {
    await verifyCredentials(testDb(), { email, password, ip });
    return "ok";
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
}

/** Sign-up that must fail with a domain error. */
async function signUpError(input: Parameters<typeof signUp>[1]): Promise<DomainError> {
  try {
    await signUp(testDb(), input);
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error("expected sign-up to fail");
}

const uniqueIp = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

describe("sign-in rate limit", () => {
  it("refuses new browsers for an email after SIGN_IN_LIMITS.perEmail failures from many addresses — even with the right password", async () => {
    const email = await userWithPassword();
    expect(await attempt(email, PASSWORD, uniqueIp())).toBe("ok");
    const results = [];
    for (let i = 0; i < SIGN_IN_LIMITS.perEmail; i++) results.push(await attempt(email, "wrong password", uniqueIp()));
    expect(results).toEqual(Array(SIGN_IN_LIMITS.perEmail).fill("UNAUTHORIZED"));
    expect(await attempt(email, "wrong password", uniqueIp())).toBe("RATE_LIMITED");
    expect(await attempt(email.toUpperCase(), PASSWORD, uniqueIp())).toBe("RATE_LIMITED");
    // Another account is not affected.
    expect(await attempt(await userWithPassword(), PASSWORD, uniqueIp())).toBe("ok");
  });

  it("refuses every email from an address after 50 failures from it", async () => {
    const ip = uniqueIp();
    // 49 earlier failures for many emails (recorded as sign-in records them), then the 50th for real.
    await testDb()
      .insert(loginAttempts)
      .values(Array.from({ length: SIGN_IN_LIMITS.perIp - 1 }, () => ({ email: `${uid("nobody")}@test.local`, ip, success: false })));
    expect(await attempt(`${uid("nobody")}@test.local`, "x", ip)).toBe("UNAUTHORIZED");
    const victim = await userWithPassword();
    expect(await attempt(victim, PASSWORD, ip)).toBe("RATE_LIMITED");
    expect(await attempt(victim, PASSWORD, uniqueIp())).toBe("ok");
  });

  it("unknown emails are limited like known ones and pay for a full password hash", async () => {
    const email = `${uid("ghost")}@test.local`;
    for (let i = 0; i < SIGN_IN_LIMITS.perEmail; i++) expect(await attempt(email, "x", uniqueIp())).toBe("UNAUTHORIZED");
    expect(await attempt(email, "x", uniqueIp())).toBe("RATE_LIMITED");
    // The stand-in hash runs the same KDF with the same cost parameters as a real one.
    const real = await hashPassword("anything");
    expect(DUMMY_HASH.split("$").slice(0, 4)).toEqual(real.split("$").slice(0, 4));
    expect(Buffer.from(DUMMY_HASH.split("$")[5]!, "base64").length).toBe(Buffer.from(real.split("$")[5]!, "base64").length);
  });

  it("failures older than the window no longer count", async () => {
    const email = await userWithPassword();
    const old = new Date(Date.now() - (SIGN_IN_LIMITS.windowMinutes + 1) * 60_000);
    await testDb()
      .insert(loginAttempts)
      .values(Array.from({ length: 20 }, () => ({ email, ip: "192.0.2.1", success: false, createdAt: old })));
    expect(await attempt(email, PASSWORD, uniqueIp())).toBe("ok");
  });
});

describe("session token", () => {
  it("switches merchant only to one the user belongs to", async () => {
    const a = await createTestOrg("Mine");
    const other = await createTestOrg("Not mine");
    const token = await nextSessionToken(testDb(), {} as SessionToken, { user: { id: a.ownerId } });
    expect(token).toMatchObject({ sub: a.ownerId, orgId: null });
    const refused = await nextSessionToken(testDb(), { ...token! }, { trigger: "update", session: { orgId: other.orgId } });
    expect(refused?.orgId).toBeNull();

    await testDb().insert(memberships).values({ orgId: other.orgId, userId: a.ownerId, role: "viewer" });
    const switched = await nextSessionToken(testDb(), { ...token! }, { trigger: "update", session: { orgId: other.orgId } });
    expect(switched?.orgId).toBe(other.orgId);
    expect((await sessionCaller(a.ownerId, other.orgId).account.me()).role).toBe("viewer");

    // Removed from it: the next request falls back to a merchant the user still belongs to.
    await sessionCaller(other.ownerId, other.orgId).account.removeMember({ userId: a.ownerId });
    expect((await sessionCaller(a.ownerId, other.orgId).account.me()).org.id).toBe(a.orgId);
  });

  it("ends after the absolute lifetime", async () => {
    const now = Math.floor(Date.now() / 1000);
    const { ownerId } = await createTestOrg();
    const token = { sub: ownerId, orgId: null, authAt: now - SESSION_ABSOLUTE_SECONDS - 1 };
    expect(await nextSessionToken(testDb(), token, { now })).toBeNull();
    expect(await nextSessionToken(testDb(), { ...token, authAt: now - 60 }, { now })).not.toBeNull();
  });

  it("a user without any membership is refused by every tenant procedure", async () => {
    const [user] = await testDb().insert(users).values({ email: `${uid("lonely")}@test.local`, name: "x", passwordHash: "x" }).returning();
    expect((await failure(sessionCaller(user!.id).products.list({}))).code).toBe("FORBIDDEN");
  });
});

describe("sign-up and invitations", () => {
  it("sign-up creates a merchant owned by the new user, with the default delivery methods", async () => {
    const email = `${uid("owner")}@test.local`;
    const { user, orgId } = await signUp(testDb(), { name: "New Owner", email: email.toUpperCase(), password: PASSWORD, orgName: "新商户" });
    expect(user.email).toBe(email);
    const orgs = await listMyOrganizations(testDb(), user.id);
    expect(orgs).toEqual([expect.objectContaining({ id: orgId, name: "新商户", role: "owner" })]);
    expect((await sessionCaller(user.id, orgId).deliveryMethods.list({})).length).toBe(6);
    expect(await attempt(email, PASSWORD, uniqueIp())).toBe("ok");
  });

  it("an email that is already registered cannot sign up again (field error on email)", async () => {
    const email = await userWithPassword();
    const err = await signUpError({ name: "x", email, password: PASSWORD });
    expect(err).toBeInstanceOf(DomainError);
    expect(err.code).toBe("CONFLICT");
    expect(Object.keys(err.fieldErrors ?? {})).toEqual(["email"]);
  });

  it("invite → sign up with the token joins the merchant with the invited role; the token works once", async () => {
    const org = await createTestOrg("Inviting merchant");
    const owner = sessionCaller(org.ownerId, org.orgId);
    const email = `${uid("invitee")}@test.local`;
    const invite = await owner.account.invite({ email, role: "warehouse" });
    expect(invite.added).toBe(false);
    expect(invite.token).toBeTruthy();
    expect((await owner.account.members()).pending.map((p) => p.email)).toEqual([email]);

    const wrong = await signUpError({ name: "Intruder", email: `${uid("other")}@test.local`, password: PASSWORD, inviteToken: invite.token! });
    expect(wrong).toBeInstanceOf(DomainError);
    expect(Object.keys(wrong.fieldErrors ?? {})).toEqual(["email"]);

    const { user, orgId } = await signUp(testDb(), { name: "Invitee", email, password: PASSWORD, inviteToken: invite.token! });
    expect(orgId).toBe(org.orgId);
    expect(await listMyOrganizations(testDb(), user.id)).toEqual([expect.objectContaining({ id: org.orgId, role: "warehouse" })]);
    expect((await owner.account.members()).pending).toEqual([]);
    // Nobody was given a merchant of their own.
    expect((await owner.account.members()).members.find((m) => m.userId === user.id)?.role).toBe("warehouse");

    const again = await signUpError({ name: "Again", email: `${uid("again")}@test.local`, password: PASSWORD, inviteToken: invite.token! });
    expect(again).toBeInstanceOf(DomainError);
    expect(Object.keys(again.fieldErrors ?? {})).toEqual(["inviteToken"]);
  });

  it("a revoked invitation cannot be used; inviting an existing user adds them at once", async () => {
    const org = await createTestOrg("Revoking merchant");
    const owner = sessionCaller(org.ownerId, org.orgId);
    const email = `${uid("revoked")}@test.local`;
    const invite = await owner.account.invite({ email, role: "viewer" });
    const [row] = await testDb().select({ id: invitations.id }).from(invitations).where(eq(invitations.email, email));
    await owner.account.revokeInvitation({ id: row!.id });
    const err = await signUpError({ name: "x", email, password: PASSWORD, inviteToken: invite.token! });
    expect(err).toBeInstanceOf(DomainError);
    expect(Object.keys(err.fieldErrors ?? {})).toEqual(["inviteToken"]);

    const existing = await userWithPassword();
    expect(await owner.account.invite({ email: existing, role: "operator" })).toEqual({ added: true, token: null });
    expect((await failure(owner.account.invite({ email: existing, role: "operator" }))).fieldErrors).toHaveProperty("email");
  });
});
