import { z } from "zod";
import { uuidInput } from "@/lib/validators/common";
import {
  LinkableLinesInput,
  MappingKey,
  MappingSaveInput,
  OperationInput,
  OperationListInput,
  OperationUpdateInput,
  PlanInput,
  PlanLinkInput,
  PlanListInput,
  PlanTransitionInput,
  ProgrammeUpdateInput,
  RouteCopyInput,
  RouteInput,
  RouteListInput,
  RouteUpdateInput,
  SetEnabledInput,
  StagesSaveInput,
  UpstreamReportListInput,
  WorkReportInput,
  WorkReportListInput,
} from "@/lib/validators/production";
import { ImportInput } from "@/lib/validators/tabular";
import { importPlans, importWorkReports } from "@/server/services/production/import";
import * as mapping from "@/server/services/production/mapping";
import * as operations from "@/server/services/production/operations";
import * as plans from "@/server/services/production/plans";
import * as programmes from "@/server/services/production/programmes";
import * as routes from "@/server/services/production/routes";
import * as upstream from "@/server/services/production/upstream";
import * as workReports from "@/server/services/production/work-reports";
import { translateImport } from "../i18n";
import { createTRPCRouter, orgProcedure, permitted, sessionOnly } from "../trpc";

const write = permitted("production.write");
const byId = z.object({ id: uuidInput });

export const productionRouter = createTRPCRouter({
  operations: createTRPCRouter({
    list: orgProcedure.input(OperationListInput).query(({ ctx, input }) => operations.listOperations(ctx.svc, input)),
    byId: orgProcedure.input(byId).query(({ ctx, input }) => operations.getOperation(ctx.svc, input.id)),
    create: write.input(OperationInput).mutation(({ ctx, input }) => operations.createOperation(ctx.svc, input)),
    update: write.input(OperationUpdateInput).mutation(({ ctx, input }) => operations.updateOperation(ctx.svc, input)),
    setEnabled: write.input(SetEnabledInput).mutation(({ ctx, input }) => operations.setOperationEnabled(ctx.svc, input)),
  }),
  routes: createTRPCRouter({
    list: orgProcedure
      .input(RouteListInput.extend({ programmeId: uuidInput.optional() }))
      .query(({ ctx, input }) => routes.listRoutes(ctx.svc, input)),
    byId: orgProcedure.input(byId).query(({ ctx, input }) => routes.getRoute(ctx.svc, input.id)),
    create: write.input(RouteInput).mutation(({ ctx, input }) => routes.createRoute(ctx.svc, input)),
    update: write.input(RouteUpdateInput).mutation(({ ctx, input }) => routes.updateRoute(ctx.svc, input)),
    copy: write.input(RouteCopyInput).mutation(({ ctx, input }) => routes.copyRoute(ctx.svc, input)),
    setEnabled: write.input(SetEnabledInput).mutation(({ ctx, input }) => routes.setRouteEnabled(ctx.svc, input)),
  }),
  programmes: createTRPCRouter({
    list: orgProcedure.query(({ ctx }) => programmes.listProgrammes(ctx.svc)),
    update: sessionOnly("settings.write").input(ProgrammeUpdateInput).mutation(({ ctx, input }) => programmes.updateProgramme(ctx.svc, input)),
    saveStages: write.input(StagesSaveInput).mutation(({ ctx, input }) => programmes.saveStages(ctx.svc, input)),
  }),
  mapping: createTRPCRouter({
    get: orgProcedure.input(MappingKey).query(({ ctx, input }) => mapping.getMapping(ctx.svc, input)),
    save: write.input(MappingSaveInput).mutation(({ ctx, input }) => mapping.saveMapping(ctx.svc, input)),
    confirm: write.input(MappingKey).mutation(({ ctx, input }) => mapping.confirmMapping(ctx.svc, input)),
  }),
  plans: createTRPCRouter({
    list: orgProcedure.input(PlanListInput).query(({ ctx, input }) => plans.listPlans(ctx.svc, input)),
    byId: orgProcedure.input(byId).query(({ ctx, input }) => plans.getPlan(ctx.svc, input.id)),
    create: write.input(PlanInput).mutation(({ ctx, input }) => plans.createPlan(ctx.svc, input)),
    transition: write.input(PlanTransitionInput).mutation(({ ctx, input }) => plans.transitionPlan(ctx.svc, input)),
    link: write.input(PlanLinkInput).mutation(({ ctx, input }) => plans.linkOrderLines(ctx.svc, input)),
    unlink: write.input(PlanLinkInput).mutation(({ ctx, input }) => plans.unlinkOrderLines(ctx.svc, input)),
    linkableLines: orgProcedure.input(LinkableLinesInput).query(({ ctx, input }) => plans.findLinkableOrderLines(ctx.svc, input)),
    import: write.input(ImportInput).mutation(async ({ ctx, input }) => translateImport(await importPlans(ctx.svc, input), ctx.locale)),
    reportUpstream: write.input(byId).mutation(({ ctx, input }) => upstream.requestUpstreamReport(ctx.svc, input.id)),
  }),
  workReports: createTRPCRouter({
    list: orgProcedure.input(WorkReportListInput).query(({ ctx, input }) => workReports.listWorkReports(ctx.svc, input)),
    create: write.input(WorkReportInput).mutation(({ ctx, input }) => workReports.recordWorkReport(ctx.svc, input)),
    import: write.input(ImportInput).mutation(async ({ ctx, input }) => translateImport(await importWorkReports(ctx.svc, input), ctx.locale)),
  }),
  upstreamReports: createTRPCRouter({
    list: orgProcedure.input(UpstreamReportListInput).query(({ ctx, input }) => upstream.listUpstreamReports(ctx.svc, input)),
  }),
  /** For the order page: the order's plans and their progress per standard stage. */
  orderProgress: orgProcedure.input(z.object({ orderId: uuidInput })).query(({ ctx, input }) => plans.orderProduction(ctx.svc, input.orderId)),
});
