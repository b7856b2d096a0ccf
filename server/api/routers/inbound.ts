import {
  InboundCancelInput,
  InboundCreateInput,
  InboundIdInput,
  InboundImportInput,
  InboundListInput,
  InboundReceiveInput,
  InboundUpdateInput,
} from "@/lib/validators/inbound";
import { importReceiptLines } from "@/server/services/inbound/import";
import * as receipts from "@/server/services/inbound/receipts";
import { translateImport } from "../i18n";
import { createTRPCRouter, orgProcedure, permitted } from "../trpc";

const write = permitted("inbound.write");

export const inboundRouter = createTRPCRouter({
  list: orgProcedure.input(InboundListInput).query(({ ctx, input }) => receipts.listReceipts(ctx.svc, input)),
  counts: orgProcedure.query(({ ctx }) => receipts.receiptStatusCounts(ctx.svc)),
  byId: orgProcedure.input(InboundIdInput).query(({ ctx, input }) => receipts.getReceipt(ctx.svc, input.id)),
  create: write
    .input(InboundCreateInput)
    .mutation(({ ctx, input }) => receipts.createReceipt(ctx.svc, input)),
  update: write
    .input(InboundUpdateInput)
    .mutation(({ ctx, input }) => receipts.updateReceipt(ctx.svc, input)),
  submit: write.input(InboundIdInput).mutation(({ ctx, input }) => receipts.submitReceipt(ctx.svc, input.id)),
  receive: write
    .input(InboundReceiveInput)
    .mutation(({ ctx, input }) => receipts.receiveReceipt(ctx.svc, input)),
  finish: write
    .input(InboundCancelInput)
    .mutation(({ ctx, input }) => receipts.finishReceipt(ctx.svc, input)),
  cancel: write
    .input(InboundCancelInput)
    .mutation(({ ctx, input }) => receipts.cancelReceipt(ctx.svc, input)),
  importLines: write
    .input(InboundImportInput)
    .mutation(async ({ ctx, input }) =>
      translateImport(await importReceiptLines(ctx.svc, input), ctx.locale),
    ),
});
