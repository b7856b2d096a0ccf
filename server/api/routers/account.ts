import { eq } from "drizzle-orm";
import { z } from "zod";
import { users } from "@/db/schema";
import { InviteInput, roleInput } from "@/lib/validators/auth";
import { uuidInput } from "@/lib/validators/common";
import { CreateApiKeyInput, createApiKeyForCtx, listApiKeys, revokeApiKey } from "@/server/services/auth/api-keys";
import * as orgs from "@/server/services/orgs/orgs";
import { ChangePasswordInput, UpdateProfileInput } from "@/lib/validators/account";
import { DomainError } from "@/server/errors";
import { changePassword, updateProfile } from "@/server/services/auth/profile";
import { createTRPCRouter, orgProcedure, permitted } from "../trpc";

/** Profile procedures act on the signed-in person; an API key has no person behind it. */
const personProcedure = orgProcedure.use(({ ctx, next }) => {
  if (ctx.svc.actor.type !== "user") throw new DomainError("FORBIDDEN", { key: "personOnly" });
  return next({ ctx: { userId: ctx.svc.actor.userId } });
});

export const accountRouter = createTRPCRouter({
  /** Who am I, in which merchant, with which role — and what may I do. */
  me: orgProcedure.query(async ({ ctx }) => {
    const org = await orgs.getOrganization(ctx.svc);
    const user =
      ctx.svc.actor.type === "user"
        ? (
            await ctx.db
              .select({ id: users.id, email: users.email, name: users.name, locale: users.locale })
              .from(users)
              .where(eq(users.id, ctx.svc.actor.userId))
          )[0] ?? null
        : null;
    const memberships = user ? await orgs.listMyOrganizations(ctx.db, user.id) : [];
    return {
      user,
      org: { id: org.id, name: org.name, slug: org.slug, timezone: org.timezone },
      role: ctx.svc.role,
      memberships,
      precision: { amountDecimals: org.amountDecimals, priceDecimals: org.priceDecimals, quantityDecimals: org.quantityDecimals },
    };
  }),
  updateProfile: personProcedure.input(UpdateProfileInput).mutation(({ ctx, input }) => updateProfile(ctx.db, ctx.userId, input)),
  changePassword: personProcedure.input(ChangePasswordInput).mutation(({ ctx, input }) => changePassword(ctx.db, ctx.userId, input)),
  members: orgProcedure.query(({ ctx }) => orgs.listMembers(ctx.svc)),
  invite: permitted("members.manage").input(InviteInput).mutation(({ ctx, input }) => orgs.inviteMember(ctx.svc, input)),
  revokeInvitation: permitted("members.manage")
    .input(z.object({ id: uuidInput }))
    .mutation(({ ctx, input }) => orgs.revokeInvitation(ctx.svc, input.id)),
  changeRole: permitted("members.manage")
    .input(z.object({ userId: uuidInput, role: roleInput }))
    .mutation(({ ctx, input }) => orgs.changeMemberRole(ctx.svc, input.userId, input.role)),
  removeMember: permitted("members.manage")
    .input(z.object({ userId: uuidInput }))
    .mutation(({ ctx, input }) => orgs.removeMember(ctx.svc, input.userId)),
  apiKeys: permitted("apikeys.manage").query(({ ctx }) => listApiKeys(ctx.svc)),
  createApiKey: permitted("apikeys.manage").input(CreateApiKeyInput).mutation(({ ctx, input }) => createApiKeyForCtx(ctx.svc, input)),
  revokeApiKey: permitted("apikeys.manage")
    .input(z.object({ id: uuidInput }))
    .mutation(({ ctx, input }) => revokeApiKey(ctx.svc, input.id)),
});
