import { z } from "zod";
import { db as rootDb, tenantDb } from "@/db";
import { AccountListInput, CreateAccountInput, FetchOrdersInput, UpdateAccountInput } from "@/lib/validators/channels";
import { uuidInput } from "@/lib/validators/common";
import { implementedPlatforms } from "@/server/channels/registry";
import { dispatchPull } from "@/server/jobs/boss";
import * as accounts from "@/server/services/channels/accounts";
import { verifyAccount } from "@/server/services/channels/oauth";
import { getPullRun, recentPullRuns, startPull } from "@/server/services/channels/pull";
import { createTRPCRouter, orgProcedure, permitted } from "../trpc";
import { listDeadLetters, retryDeadLetter } from "@/server/services/system/status";

const CHANNEL_DEAD_LETTERS = { topicPrefix: "channels." };

const ById = z.object({ id: uuidInput });
const Toggle = z.object({ id: uuidInput, enabled: z.boolean() });

/** 平台账号管理. Authorization itself starts at /api/oauth/<platform>/start (a browser redirect). */
export const channelsRouter = createTRPCRouter({
  platforms: orgProcedure.query(() => ({ implemented: implementedPlatforms(), simulatorsAllowed: accounts.simulatorsAllowed() })),
  list: orgProcedure.input(AccountListInput.default({})).query(({ ctx, input }) => accounts.listAccounts(ctx.svc, input)),
  byId: orgProcedure.input(ById).query(({ ctx, input }) => accounts.getAccount(ctx.svc, input.id)),
  create: permitted("channels.manage").input(CreateAccountInput).mutation(({ ctx, input }) => accounts.createAccount(ctx.svc, input)),
  update: permitted("channels.manage").input(UpdateAccountInput).mutation(({ ctx, input }) => accounts.updateAccount(ctx.svc, input)),
  setPulling: permitted("channels.manage").input(Toggle).mutation(({ ctx, input }) => accounts.setPulling(ctx.svc, input)),
  setImportEnabled: permitted("channels.manage").input(Toggle).mutation(({ ctx, input }) => accounts.setImportEnabled(ctx.svc, input)),
  revoke: permitted("channels.manage").input(ById).mutation(({ ctx, input }) => accounts.revokeAccount(ctx.svc, input.id)),
  remove: permitted("channels.manage").input(ById).mutation(({ ctx, input }) => accounts.deleteAccount(ctx.svc, input.id)),
  verify: permitted("channels.operate").input(ById).mutation(({ ctx, input }) => verifyAccount(ctx.svc, input.id)),
  /** 抓取订单: start a pull of a time range; the page polls `pullRun` for progress. */
  fetchOrders: permitted("channels.operate")
    .input(FetchOrdersInput)
    .mutation(async ({ ctx, input }) => {
      await accounts.getAccount(ctx.svc, input.id);
      const { run, joined } = await startPull({ ...ctx.svc, db: tenantDb(rootDb, ctx.svc.orgId) }, { accountId: input.id, trigger: "manual", from: input.from, to: input.to });
      if (!joined) await dispatchPull(rootDb, { orgId: ctx.svc.orgId, accountId: input.id, runId: run.id });
      return { runId: run.id, joined };
    }),
  pullRun: orgProcedure.input(ById).query(({ ctx, input }) => getPullRun(ctx.svc, input.id)),
  pullRuns: orgProcedure.input(ById).query(async ({ ctx, input }) => {
    await accounts.getAccount(ctx.svc, input.id);
    return recentPullRuns(ctx.svc, input.id);
  }),
  /** Dead letters of the channel topics (ship-backs, stock pushes), with their account: the 系统状态 service. */
  deadLetters: orgProcedure.query(({ ctx }) => listDeadLetters(ctx.svc, 100, CHANNEL_DEAD_LETTERS)),
  retryDeadLetter: permitted("channels.operate").input(ById).mutation(({ ctx, input }) => retryDeadLetter(ctx.svc, input.id, CHANNEL_DEAD_LETTERS)),
});
