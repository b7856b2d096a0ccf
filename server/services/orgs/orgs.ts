import { createHash, randomBytes } from "node:crypto";
import { and, asc, eq, gt, isNull, sql } from "drizzle-orm";
import type { Db, DbExecutor } from "@/db";
import { apiKeys, invitations, memberships, organizations, users } from "@/db/schema";
import { can, type Role } from "@/lib/permissions";
import type { InviteInput, SignUpInput } from "@/lib/validators/auth";
import { CreateOrgInput, InviteInput as InviteSchema, SignUpInput as SignUpSchema } from "@/lib/validators/auth";
import { actorUserId, inTransaction, type ServiceContext, type TxContext } from "@/server/context";
import { conflict, DomainError, fieldError, forbidden, isUniqueViolation, notFound } from "@/server/errors";
import { hashPassword } from "../auth/passwords";
import { endAllSessions } from "../auth/sessions";
import { bootstrapOrg } from "./bootstrap";

const slugify = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 30);

async function uniqueSlug(db: DbExecutor, base: string) {
  const root = slugify(base) || "shop";
  for (let i = 0; i < 20; i++) {
    const candidate = i === 0 ? root : `${root}-${randomBytes(2).toString("hex")}`;
    const [hit] = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, candidate));
    if (!hit) return candidate;
  }
  return `${root}-${randomBytes(4).toString("hex")}`;
}

/** Create a merchant and bootstrap its master data lists. */
export async function createOrganization(db: DbExecutor, input: { name: string; slug: string }) {
  const parsed = CreateOrgInput.parse(input);
  try {
    const [org] = await db.insert(organizations).values(parsed).returning();
    await bootstrapOrg({ db, orgId: org!.id });
    return org!;
  } catch (e) {
    if (isUniqueViolation(e, "organizations_slug_uq")) throw conflict("slug", "slugTaken");
    throw e;
  }
}

const hashToken = (t: string) => createHash("sha256").update(t).digest("hex");

/**
 * Sign-up: creates the user and either a new merchant it owns, or — with an invitation token — joins the
 * merchant that invited it, with the invited role. One transaction.
 */
export async function signUp(db: Db, raw: SignUpInput) {
  const input = SignUpSchema.parse(raw);
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const [existing] = await tx.select({ id: users.id }).from(users).where(sql`lower(${users.email}) = ${input.email}`);
    if (existing) throw conflict("email", "emailTaken");
    const [user] = await tx
      .insert(users)
      .values({ email: input.email, name: input.name, passwordHash })
      .returning({ id: users.id, email: users.email, name: users.name });
    if (input.inviteToken) {
      const [inv] = await tx
        .select()
        .from(invitations)
        .where(
          and(
            eq(invitations.tokenHash, hashToken(input.inviteToken)),
            isNull(invitations.acceptedAt),
            isNull(invitations.revokedAt),
            gt(invitations.expiresAt, new Date()),
          ),
        );
      if (!inv) throw fieldError("inviteToken", "inviteInvalid");
      if (inv.email.toLowerCase() !== input.email) throw fieldError("email", "inviteEmailMismatch");
      await tx.insert(memberships).values({ orgId: inv.orgId, userId: user!.id, role: inv.role });
      await tx.update(invitations).set({ acceptedAt: new Date() }).where(eq(invitations.id, inv.id));
      return { user: user!, orgId: inv.orgId };
    }
    const orgName = input.orgName ?? `${input.name}`;
    const slug = input.orgSlug ?? (await uniqueSlug(tx, input.email.split("@")[0] ?? orgName));
    const org = await createOrganization(tx, { name: orgName, slug });
    await tx.insert(memberships).values({ orgId: org.id, userId: user!.id, role: "owner" });
    return { user: user!, orgId: org.id };
  });
}

/**
 * The merchants a person belongs to, first joined first. Through `manifold_memberships_of` (security
 * definer, DEVELOPING.md "The named ways across merchants"), so a merchant's own database — where
 * row-level security shows that merchant's memberships only — lists all of them for the switcher.
 */
export async function listMyOrganizations(db: DbExecutor, userId: string) {
  const rows = await db.execute<{ id: string; name: string; slug: string; role: string }>(sql`
    select o.id, o.name, o.slug, m.role
      from manifold_memberships_of(${userId}::uuid) m
      join ${organizations} o on o.id = m.org_id
     order by m.created_at, o.id`);
  return [...rows].map((r) => ({ id: r.id, name: r.name, slug: r.slug, role: r.role }));
}

export async function getMembership(db: DbExecutor, userId: string, orgId: string) {
  const [m] = await db
    .select({ orgId: memberships.orgId, role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.orgId, orgId)));
  return m ?? null;
}

export async function getOrganization(ctx: ServiceContext) {
  const [org] = await ctx.db.select().from(organizations).where(eq(organizations.id, ctx.orgId));
  if (!org) throw notFound("organization");
  return org;
}

export async function listMembers(ctx: ServiceContext) {
  const members = await ctx.db
    .select({ userId: users.id, email: users.email, name: users.name, role: memberships.role, joinedAt: memberships.createdAt })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.orgId, ctx.orgId))
    .orderBy(asc(memberships.createdAt));
  const pending = await ctx.db
    .select({ id: invitations.id, email: invitations.email, role: invitations.role, expiresAt: invitations.expiresAt, createdAt: invitations.createdAt })
    .from(invitations)
    .where(
      and(eq(invitations.orgId, ctx.orgId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, new Date())),
    )
    .orderBy(asc(invitations.createdAt));
  return { members, pending };
}

/**
 * Invite by email. An existing user is added at once; anyone else gets a sign-up link carrying a
 * one-time token (valid 7 days) that the owner passes on.
 */
export async function inviteMember(ctx: ServiceContext, raw: InviteInput) {
  const input = InviteSchema.parse(raw);
  if (input.role === "owner" && ctx.role !== "owner") throw forbidden("members.manage");
  return inTransaction(ctx, async (ctx) => {
    const tx = ctx.db;
    const [user] = await tx.select({ id: users.id }).from(users).where(sql`lower(${users.email}) = ${input.email}`);
    if (user) {
      const existing = await getMembership(tx, user.id, ctx.orgId);
      if (existing) throw conflict("email", "alreadyMember");
      await tx.insert(memberships).values({ orgId: ctx.orgId, userId: user.id, role: input.role });
      return { added: true as const, token: null };
    }
    const token = randomBytes(24).toString("base64url");
    await tx.insert(invitations).values({
      orgId: ctx.orgId,
      email: input.email,
      role: input.role,
      tokenHash: hashToken(token),
      invitedBy: actorUserId(ctx),
      expiresAt: new Date(Date.now() + 7 * 24 * 3600 * 1000),
    });
    return { added: false as const, token };
  });
}

export async function revokeInvitation(ctx: ServiceContext, id: string) {
  const [row] = await ctx.db
    .update(invitations)
    .set({ revokedAt: new Date() })
    .where(and(eq(invitations.id, id), eq(invitations.orgId, ctx.orgId), isNull(invitations.acceptedAt)))
    .returning({ id: invitations.id });
  if (!row) throw notFound("invitation");
}

async function assertNotLastOwner(ctx: TxContext, userId: string) {
  const { db: tx, orgId } = ctx;
  const owners = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.role, "owner")))
    .for("update");
  if (owners.length === 1 && owners[0]!.userId === userId) {
    throw new DomainError("CONFLICT", { key: "lastOwner" });
  }
}

/** A key lives no longer than its maker's right to make it: revoke the live keys `userId` created here. */
async function revokeKeysCreatedBy(tx: DbExecutor, orgId: string, userId: string) {
  await tx
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.orgId, orgId), eq(apiKeys.createdBy, userId), isNull(apiKeys.revokedAt)));
}

export async function changeMemberRole(ctx: ServiceContext, userId: string, role: Role) {
  return inTransaction(ctx, async (ctx) => {
    const tx = ctx.db;
    const m = await getMembership(tx, userId, ctx.orgId);
    if (!m) throw notFound("member");
    if (m.role === "owner" && role !== "owner") await assertNotLastOwner(ctx, userId);
    await tx.update(memberships).set({ role }).where(and(eq(memberships.orgId, ctx.orgId), eq(memberships.userId, userId)));
    if (!can(role, "apikeys.manage")) await revokeKeysCreatedBy(tx, ctx.orgId, userId);
  });
}

export async function removeMember(ctx: ServiceContext, userId: string) {
  return inTransaction(ctx, async (ctx) => {
    const tx = ctx.db;
    const m = await getMembership(tx, userId, ctx.orgId);
    if (!m) throw notFound("member");
    if (m.role === "owner") await assertNotLastOwner(ctx, userId);
    await tx.delete(memberships).where(and(eq(memberships.orgId, ctx.orgId), eq(memberships.userId, userId)));
    await revokeKeysCreatedBy(tx, ctx.orgId, userId);
    // Their open sessions end too (a copied cookie must not outlive the membership).
    await endAllSessions(tx, userId);
  });
}

export async function findInvitation(db: DbExecutor, token: string) {
  const [inv] = await db
    .select({ email: invitations.email, role: invitations.role, orgName: organizations.name })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.orgId))
    .where(
      and(eq(invitations.tokenHash, hashToken(token)), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, new Date())),
    );
  return inv ?? null;
}
