import { z } from "zod";
import { listDeadLetters, merchantSystemStatus, retryDeadLetter } from "@/server/services/system/status";
import { createTRPCRouter, permitted } from "../trpc";

/** 用户中心 → 系统状态: the merchant's job queues, pulls, outbox backlog and dead letters (admins). */
export const systemRouter = createTRPCRouter({
  status: permitted("settings.write").query(async ({ ctx }) => ({
    status: await merchantSystemStatus(ctx.svc),
    deadLetters: await listDeadLetters(ctx.svc),
  })),
  retryDeadLetter: permitted("settings.write")
    .input(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => retryDeadLetter(ctx.svc, input.id)),
});
