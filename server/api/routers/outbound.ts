import { z } from "zod";
import {
  BulkAuditInput,
  BulkShipInput,
  CancelOutboundInput,
  CreatePickBatchInput,
  OutboundIdInput,
  OutboundListInput,
  PackInput,
  PickBatchListInput,
  ShipInput,
  TrackingUploadInput,
} from "@/lib/validators/outbound";
import { uuidInput } from "@/lib/validators/common";
import { auditOutbound, bulkAudit } from "@/server/services/outbound/audit";
import { cancelOutbound } from "@/server/services/outbound/cancel";
import { createPickBatch, getPickList, listPickBatches } from "@/server/services/outbound/pick";
import { getOutbound, listOutbound, outboundStatusCounts } from "@/server/services/outbound/queries";
import { bulkShip, packOutbound, shipOutbound, uploadTracking } from "@/server/services/outbound/ship";
import { arrangePlatformLogistics } from "@/server/services/outbound/platform-logistics";
import { translateImport } from "../i18n";
import { createTRPCRouter, orgProcedure, permitted } from "../trpc";

const write = permitted("outbound.write");

export const outboundRouter = createTRPCRouter({
  list: orgProcedure.input(OutboundListInput).query(({ ctx, input }) => listOutbound(ctx.svc, input)),
  counts: orgProcedure
    .input(z.object({ warehouseId: uuidInput.optional() }).default({}))
    .query(({ ctx, input }) => outboundStatusCounts(ctx.svc, input)),
  byId: orgProcedure.input(OutboundIdInput).query(({ ctx, input }) => getOutbound(ctx.svc, input.id)),
  audit: write.input(OutboundIdInput).mutation(({ ctx, input }) => auditOutbound(ctx.svc, input.id)),
  /** 平台取号: the platform books its carrier and returns the tracking number; the label is stored on the order. */
  platformLogistics: write.input(OutboundIdInput).mutation(({ ctx, input }) => arrangePlatformLogistics(ctx.svc, input.id)),
  bulkAudit: write.input(BulkAuditInput).mutation(({ ctx, input }) => bulkAudit(ctx.svc, input)),
  createPickBatch: write
    .input(CreatePickBatchInput)
    .mutation(({ ctx, input }) => createPickBatch(ctx.svc, input)),
  pickBatches: orgProcedure
    .input(PickBatchListInput)
    .query(({ ctx, input }) => listPickBatches(ctx.svc, input)),
  pickList: orgProcedure
    .input(z.object({ id: uuidInput }))
    .query(({ ctx, input }) => getPickList(ctx.svc, input.id)),
  pack: write.input(PackInput).mutation(({ ctx, input }) => packOutbound(ctx.svc, input)),
  ship: write.input(ShipInput).mutation(({ ctx, input }) => shipOutbound(ctx.svc, input)),
  bulkShip: write.input(BulkShipInput).mutation(({ ctx, input }) => bulkShip(ctx.svc, input)),
  uploadTracking: write
    .input(TrackingUploadInput)
    .mutation(async ({ ctx, input }) => translateImport(await uploadTracking(ctx.svc, input), ctx.locale)),
  cancel: write.input(CancelOutboundInput).mutation(({ ctx, input }) => cancelOutbound(ctx.svc, input)),
});
