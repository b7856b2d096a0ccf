import { afterAll, describe, expect, it } from "vitest";
import { listProgrammes } from "@/server/services/production/programmes";
import {
  closeTestDb,
  createTestOrg,
  createTestUser,
  keyCaller,
  newApiKey,
  sessionCaller,
  svcCtx,
} from "../helpers/db";
import { failure } from "../helpers/trpc";

afterAll(closeTestDb);

describe("an API key cannot mint keys or change who has access (finding 4)", () => {
  it("an admin key is refused key creation and revocation, member and role changes, and the production endpoint", async () => {
    const org = await createTestOrg();
    const owner = sessionCaller(org.ownerId, org.orgId);
    const admin = keyCaller(await newApiKey(org, "admin"));
    const other = await owner.account.createApiKey({ name: "other", role: "viewer" });
    const member = await createTestUser(org.orgId, "viewer");
    const invite = await owner.account.invite({ email: "later@test.local", role: "viewer" });
    expect(invite.token).toBeTruthy();
    const pendingId = (await owner.account.members()).pending[0]!.id;
    const [programme] = await listProgrammes(svcCtx(org));

    const refused = {
      createApiKey: () => admin.account.createApiKey({ name: "minted", role: "admin" }),
      revokeApiKey: () => admin.account.revokeApiKey({ id: other.id }),
      invite: () => admin.account.invite({ email: "x@test.local", role: "admin" }),
      revokeInvitation: () => admin.account.revokeInvitation({ id: pendingId }),
      changeRole: () => admin.account.changeRole({ userId: member, role: "admin" }),
      removeMember: () => admin.account.removeMember({ userId: member }),
      programmeEndpoint: () =>
        admin.production.programmes.update({
          id: programme!.id,
          name: programme!.name,
          endpointUrl: "https://collector.example/steal",
          appKey: "k",
          appSecret: "s",
        }),
    };
    for (const [name, call] of Object.entries(refused)) {
      const err = await failure(call());
      expect(err.code, name).toBe("FORBIDDEN");
      expect(err.message, name).toMatch(/signed-in person/i);
    }
    // Nothing happened.
    expect((await owner.account.apiKeys()).map((k) => k.name).sort()).toEqual(
      [expect.stringMatching(/^key/), "other"].sort(),
    );
    expect((await owner.account.members()).members.find((m) => m.userId === member)?.role).toBe("viewer");
    // The same procedures still work for a signed-in person with the permission.
    expect((await owner.account.createApiKey({ name: "by a person", role: "operator" })).key).toMatch(/^mk_/);
  });
});

describe("keys do not outlive the member who made them (finding 4)", () => {
  it("removing a member revokes the keys they created; other people's keys stay", async () => {
    const org = await createTestOrg();
    const owner = sessionCaller(org.ownerId, org.orgId);
    const adminId = await createTestUser(org.orgId, "admin");
    const theirs = await sessionCaller(adminId, org.orgId).account.createApiKey({
      name: "admin's",
      role: "operator",
    });
    const mine = await owner.account.createApiKey({ name: "owner's", role: "operator" });
    expect((await keyCaller(theirs.key).products.list({})).items).toEqual([]);

    await owner.account.removeMember({ userId: adminId });
    expect((await failure(keyCaller(theirs.key).products.list({}))).code).toBe("UNAUTHORIZED");
    expect((await keyCaller(mine.key).products.list({})).items).toEqual([]);
    const listed = await owner.account.apiKeys();
    expect(listed.find((k) => k.id === theirs.id)?.revokedAt).not.toBeNull();
    expect(listed.find((k) => k.id === mine.id)?.revokedAt).toBeNull();
  });

  it("a member demoted to a role that may not manage keys loses the keys they created", async () => {
    const org = await createTestOrg();
    const owner = sessionCaller(org.ownerId, org.orgId);
    const adminId = await createTestUser(org.orgId, "admin");
    const theirs = await sessionCaller(adminId, org.orgId).account.createApiKey({
      name: "admin's",
      role: "admin",
    });
    await owner.account.changeRole({ userId: adminId, role: "operator" });
    expect((await failure(keyCaller(theirs.key).products.list({}))).code).toBe("UNAUTHORIZED");
  });
});
