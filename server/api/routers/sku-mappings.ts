import { z } from "zod";
import { DeleteSkuMappingsInput, SaveSkuMappingInput, SkuMappingListInput } from "@/lib/validators/channels";
import { uuidInput } from "@/lib/validators/common";
import { ImportInput } from "@/lib/validators/tabular";
import * as mappings from "@/server/services/channels/mappings";
import { translateImport } from "../i18n";
import { createTRPCRouter, orgProcedure, permitted } from "../trpc";

/** 平台SKU关系: list/search, save (create or edit, bundles), delete, CSV/XLSX import (export: /api/export/sku-mappings). */
export const skuMappingsRouter = createTRPCRouter({
  list: orgProcedure.input(SkuMappingListInput).query(({ ctx, input }) => mappings.listSkuMappings(ctx.svc, input)),
  get: orgProcedure
    .input(z.object({ accountId: uuidInput, platformSku: z.string().trim().min(1).max(120) }))
    .query(({ ctx, input }) => mappings.getSkuMapping(ctx.svc, input)),
  save: permitted("channels.operate").input(SaveSkuMappingInput).mutation(({ ctx, input }) => mappings.saveSkuMapping(ctx.svc, input)),
  remove: permitted("channels.operate").input(DeleteSkuMappingsInput).mutation(({ ctx, input }) => mappings.deleteSkuMappings(ctx.svc, input)),
  import: permitted("channels.operate")
    .input(ImportInput)
    .mutation(async ({ ctx, input }) => translateImport(await mappings.importSkuMappings(ctx.svc, input), ctx.locale)),
});
