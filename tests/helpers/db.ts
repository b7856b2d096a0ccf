import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { closeHandle, createDb, tenantDb, type Db } from "@/db";
import { memberships, users } from "@/db/schema";
import type { Role } from "@/lib/permissions";
import { createCaller } from "@/server/api/root";
import { systemContext, type ServiceContext } from "@/server/context";
import { createApiKey } from "@/server/services/auth/api-keys";
import { createOrganization } from "@/server/services/orgs/orgs";

let handle: ReturnType<typeof createDb> | null = null;

/** The real PostgreSQL of this test run (pool of 20, enough for the concurrency tests). */
export function testDb(): Db {
  handle ??= createDb(inject("databaseUrl"), 20);
  return handle.db;
}

export async function closeTestDb() {
  if (handle) await closeHandle(handle);
  handle = null;
}

export const uid = (prefix = "t") => `${prefix}${randomBytes(4).toString("hex")}`;

// A fixed precomputed hash: tests sign in through services that never check it.
const PASSWORD_HASH = "scrypt$32768$8$1$c2FsdHNhbHRzYWx0c2FsdA==$4mYnA3Yx0bV9t7o5WlKcHq4f1b6kQy7c2m9Jm8d5fZs=";

export type TestOrg = { orgId: string; slug: string; ownerId: string };

/** A fresh merchant with an owner, bootstrapped exactly like a sign-up. */
export async function createTestOrg(name = "Test merchant"): Promise<TestOrg> {
  const db = testDb();
  const slug = uid("org-");
  const org = await createOrganization(db, { name, slug });
  const ownerId = await createTestUser(org.id, "owner");
  return { orgId: org.id, slug, ownerId };
}

export async function createTestUser(orgId: string, role: Role): Promise<string> {
  const db = testDb();
  const [user] = await db
    .insert(users)
    .values({ email: `${uid("u")}@test.local`, name: "Tester", passwordHash: PASSWORD_HASH })
    .returning({ id: users.id });
  await db.insert(memberships).values({ orgId, userId: user!.id, role });
  return user!.id;
}

/** A service context as the tenant procedure would build it: on the merchant's database (row-level security). */
export function svcCtx(org: TestOrg, role: Role = "owner", userId = org.ownerId): ServiceContext {
  return { db: tenantDb(testDb(), org.orgId), orgId: org.orgId, role, actor: { type: "user", userId } };
}

/** A tRPC caller signed in as a user (session), with the org they chose. */
export function sessionCaller(userId: string, orgId: string | null = null) {
  return createCaller({ db: testDb(), locale: "en", session: { userId, orgId }, authorization: null });
}

/** A tRPC caller presenting an API key. */
export function keyCaller(key: string) {
  return createCaller({ db: testDb(), locale: "en", session: null, authorization: `Bearer ${key}` });
}

export async function newApiKey(org: TestOrg, role: "admin" | "operator" | "viewer" = "admin") {
  return (await createApiKey(systemContext(testDb(), org.orgId, "test"), { name: uid("key"), role })).key;
}
