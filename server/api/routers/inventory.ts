import { z } from "zod";
import {
  AdjustStockInput,
  MovementListInput,
  MovementSeriesInput,
  ProductStockInput,
  SetLocationInput,
  StockListInput,
  StocktakeAddLinesInput,
  StocktakeCountInput,
  StocktakeCreateInput,
  StocktakeIdInput,
  StocktakeLinesInput,
  StocktakeListInput,
} from "@/lib/validators/inventory";
import { adjustStock } from "@/server/services/inventory/adjust";
import * as stock from "@/server/services/inventory/stock";
import * as stocktake from "@/server/services/inventory/stocktake";
import { createTRPCRouter, orgProcedure, permitted } from "../trpc";

export const inventoryRouter = createTRPCRouter({
  list: orgProcedure.input(StockListInput).query(({ ctx, input }) => stock.listStock(ctx.svc, input)),
  product: orgProcedure
    .input(ProductStockInput)
    .query(({ ctx, input }) => stock.getProductStock(ctx.svc, input.productId)),
  movements: orgProcedure
    .input(MovementListInput)
    .query(({ ctx, input }) => stock.listMovements(ctx.svc, input)),
  series: orgProcedure
    .input(MovementSeriesInput)
    .query(({ ctx, input }) => stock.movementSeries(ctx.svc, input)),
  adjust: permitted("inventory.write")
    .input(AdjustStockInput)
    .mutation(({ ctx, input }) => adjustStock(ctx.svc, input)),
  setLocation: permitted("inventory.write")
    .input(SetLocationInput)
    .mutation(({ ctx, input }) => stock.setLocation(ctx.svc, input)),
  stocktakes: createTRPCRouter({
    list: orgProcedure
      .input(StocktakeListInput)
      .query(({ ctx, input }) => stocktake.listStocktakes(ctx.svc, input)),
    byId: orgProcedure
      .input(StocktakeIdInput)
      .query(({ ctx, input }) => stocktake.getStocktake(ctx.svc, input.id)),
    lines: orgProcedure
      .input(StocktakeLinesInput)
      .query(({ ctx, input }) => stocktake.listStocktakeLines(ctx.svc, input)),
    create: permitted("inventory.write")
      .input(StocktakeCreateInput)
      .mutation(({ ctx, input }) => stocktake.createStocktake(ctx.svc, input)),
    addLines: permitted("inventory.write")
      .input(StocktakeAddLinesInput)
      .mutation(({ ctx, input }) => stocktake.addStocktakeLines(ctx.svc, input)),
    count: permitted("inventory.write")
      .input(StocktakeCountInput)
      .mutation(({ ctx, input }) => stocktake.recordCounts(ctx.svc, input)),
    post: permitted("inventory.write")
      .input(StocktakeIdInput)
      .mutation(({ ctx, input }) => stocktake.postStocktake(ctx.svc, input.id)),
    cancel: permitted("inventory.write")
      .input(z.object({ id: StocktakeIdInput.shape.id }))
      .mutation(({ ctx, input }) => stocktake.cancelStocktake(ctx.svc, input.id)),
  }),
});
