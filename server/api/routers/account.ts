import { z } from "zod";
import { InviteInput, roleInput } from "@/lib/validators/auth";
import { uuidInput } from "@/lib/validators/common";
import { createApiKey, listApiKeys, revokeApiKey } from "@/server/services/auth/api-keys";
import * as orgs from "@/server/services/orgs/orgs";
import { whoAmI } from "@/server/services/orgs/whoami";
import { ChangePasswordInput, CreateApiKeyInput, UpdateProfileInput } from "@/lib/validators/account";
import { changePassword, updateProfile } from "@/server/services/auth/profile";
import { createTRPCRouter, orgProcedure, permitted, personProcedure, sessionOnly } from "../trpc";

export const accountRouter = createTRPCRouter({
  /** Who am I, in which merchant, with which role — and what may I do. */
  me: orgProcedure.query(({ ctx }) => whoAmI(ctx.svc)),
  updateProfile: personProcedure.input(UpdateProfileInput).mutation(({ ctx, input }) => updateProfile(ctx.db, ctx.userId, input)),
  changePassword: personProcedure.input(ChangePasswordInput).mutation(({ ctx, input }) => changePassword(ctx.db, ctx.userId, input)),
  members: orgProcedure.query(({ ctx }) => orgs.listMembers(ctx.svc)),
  invite: sessionOnly("members.manage").input(InviteInput).mutation(({ ctx, input }) => orgs.inviteMember(ctx.svc, input)),
  revokeInvitation: sessionOnly("members.manage")
    .input(z.object({ id: uuidInput }))
    .mutation(({ ctx, input }) => orgs.revokeInvitation(ctx.svc, input.id)),
  changeRole: sessionOnly("members.manage")
    .input(z.object({ userId: uuidInput, role: roleInput }))
    .mutation(({ ctx, input }) => orgs.changeMemberRole(ctx.svc, input.userId, input.role)),
  removeMember: sessionOnly("members.manage")
    .input(z.object({ userId: uuidInput }))
    .mutation(({ ctx, input }) => orgs.removeMember(ctx.svc, input.userId)),
  apiKeys: permitted("apikeys.manage").query(({ ctx }) => listApiKeys(ctx.svc)),
  createApiKey: sessionOnly("apikeys.manage").input(CreateApiKeyInput).mutation(({ ctx, input }) => createApiKey(ctx.svc, input)),
  revokeApiKey: sessionOnly("apikeys.manage")
    .input(z.object({ id: uuidInput }))
    .mutation(({ ctx, input }) => revokeApiKey(ctx.svc, input.id)),
});
