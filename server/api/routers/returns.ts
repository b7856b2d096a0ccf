import {
  CancelReturnInput,
  CreateReturnInput,
  InspectReturnInput,
  ReceiveReturnInput,
  ReturnableInput,
  ReturnIdInput,
  ReturnListInput,
} from "@/lib/validators/returns";
import * as svc from "@/server/services/returns/returns";
import { createTRPCRouter, orgProcedure, permitted } from "../trpc";

const write = permitted("returns.write");

export const returnsRouter = createTRPCRouter({
  list: orgProcedure.input(ReturnListInput).query(({ ctx, input }) => svc.listReturns(ctx.svc, input)),
  byId: orgProcedure.input(ReturnIdInput).query(({ ctx, input }) => svc.getReturn(ctx.svc, input.id)),
  returnable: orgProcedure
    .input(ReturnableInput)
    .query(({ ctx, input }) => svc.returnableLines(ctx.svc, input)),
  create: write.input(CreateReturnInput).mutation(({ ctx, input }) => svc.createReturn(ctx.svc, input)),
  receive: write.input(ReceiveReturnInput).mutation(({ ctx, input }) => svc.receiveReturn(ctx.svc, input)),
  inspect: write.input(InspectReturnInput).mutation(({ ctx, input }) => svc.inspectReturn(ctx.svc, input)),
  close: write.input(ReturnIdInput).mutation(({ ctx, input }) => svc.closeReturn(ctx.svc, input.id)),
  cancel: write.input(CancelReturnInput).mutation(({ ctx, input }) => svc.cancelReturn(ctx.svc, input)),
});
