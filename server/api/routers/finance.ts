import { z } from "zod";
import { uuidInput } from "@/lib/validators/common";
import {
  ExchangeRateInput,
  ExchangeRateListInput,
  OrderChargeInput,
  OrderProfitFilter,
  OrderProfitListInput,
  CustomerStatementInput,
  PaymentInput,
  ReceivablesListInput,
  ReportingCurrencyInput,
  VoidPaymentInput,
  SkuCostInput,
  SkuCostListInput,
  FreightBillImportInput,
} from "@/lib/validators/finance";
import { FinanceDashboardInput } from "@/lib/validators/finance-dashboard";
import { ImportInput } from "@/lib/validators/tabular";
import { addOrderCharge, chargesOfOrder, deleteOrderCharge } from "@/server/services/finance/charges";
import { financeDashboard } from "@/server/services/finance/dashboard";
import { importFreightBill } from "@/server/services/finance/freight";
import { deleteSkuCost, importSkuCosts, listSkuCosts, setSkuCost } from "@/server/services/finance/costs";
import { listOrderProfit, orderProfit, orderProfitTotals } from "@/server/services/finance/profit";
import { deleteExchangeRate, importExchangeRates, listExchangeRates, setExchangeRate } from "@/server/services/finance/rates";
import { customerStatement, listReceivables, paymentsOfOrder, receivablesTotals, recordPayment, voidPayment } from "@/server/services/finance/receivables";
import { reportingCurrency, setReportingCurrency } from "@/server/services/finance/settings";
import { MissingSettlementListInput, SettlementFilter, SettlementListInput, SettlementPullInput, UnmatchedLineListInput } from "@/lib/validators/settlements";
import { db as rootDb, tenantDb } from "@/db";
import { dispatchSettlementPull } from "@/server/jobs/boss";
import { getAccount } from "@/server/services/channels/accounts";
import { getSettlementPullRun, startSettlementPull } from "@/server/services/channels/settlement-pull";
import {
  getSettlement,
  importSettlements,
  listOrdersMissingSettlement,
  listSettlements,
  listUnmatchedLines,
  reconciliationSummary,
} from "@/server/services/finance/settlements";
import { translateImport } from "../i18n";
import { createTRPCRouter, permitted } from "../trpc";

const read = permitted("finance.read");
const write = permitted("finance.write");

/** 财务管理: costs, exchange rates, order charges and order profit — only with the finance permissions. */
export const financeRouter = createTRPCRouter({
  reportingCurrency: read.query(async ({ ctx }) => ({ currency: await reportingCurrency(ctx.svc) })),
  setReportingCurrency: write.input(ReportingCurrencyInput).mutation(({ ctx, input }) => setReportingCurrency(ctx.svc, input)),
  dashboard: read.input(FinanceDashboardInput).query(({ ctx, input }) => financeDashboard(ctx.svc, input)),
  costs: createTRPCRouter({
    list: read.input(SkuCostListInput).query(({ ctx, input }) => listSkuCosts(ctx.svc, input)),
    set: write.input(SkuCostInput).mutation(({ ctx, input }) => setSkuCost(ctx.svc, input)),
    remove: write.input(z.object({ id: uuidInput })).mutation(({ ctx, input }) => deleteSkuCost(ctx.svc, input.id)),
    import: write.input(ImportInput).mutation(async ({ ctx, input }) => translateImport(await importSkuCosts(ctx.svc, input), ctx.locale)),
  }),
  rates: createTRPCRouter({
    list: read.input(ExchangeRateListInput).query(({ ctx, input }) => listExchangeRates(ctx.svc, input)),
    set: write.input(ExchangeRateInput).mutation(({ ctx, input }) => setExchangeRate(ctx.svc, input)),
    remove: write.input(z.object({ id: uuidInput })).mutation(({ ctx, input }) => deleteExchangeRate(ctx.svc, input.id)),
    import: write.input(ImportInput).mutation(async ({ ctx, input }) => translateImport(await importExchangeRates(ctx.svc, input), ctx.locale)),
  }),
  charges: createTRPCRouter({
    ofOrder: read.input(z.object({ orderId: uuidInput })).query(({ ctx, input }) => chargesOfOrder(ctx.svc, input.orderId)),
    add: write.input(OrderChargeInput).mutation(({ ctx, input }) => addOrderCharge(ctx.svc, input)),
    remove: write.input(z.object({ id: uuidInput })).mutation(({ ctx, input }) => deleteOrderCharge(ctx.svc, input.id)),
    /** 导入运费账单: freight per outbound order from a carrier's bill, row by row, idempotent per bill + tracking number. */
    importFreightBill: write.input(FreightBillImportInput).mutation(async ({ ctx, input }) => translateImport(await importFreightBill(ctx.svc, input), ctx.locale)),
  }),
  profit: createTRPCRouter({
    list: read.input(OrderProfitListInput).query(({ ctx, input }) => listOrderProfit(ctx.svc, input)),
    totals: read.input(OrderProfitFilter).query(({ ctx, input }) => orderProfitTotals(ctx.svc, input)),
    byOrder: read.input(z.object({ orderId: uuidInput })).query(({ ctx, input }) => orderProfit(ctx.svc, input.orderId)),
  }),
  /** 平台结算 / 对账: payouts, their lines, the two exception lists, files, and the manual pull of a shop. */
  settlements: createTRPCRouter({
    list: read.input(SettlementListInput).query(({ ctx, input }) => listSettlements(ctx.svc, input)),
    summary: read.input(SettlementFilter).query(({ ctx, input }) => reconciliationSummary(ctx.svc, input)),
    byId: read.input(z.object({ id: uuidInput })).query(({ ctx, input }) => getSettlement(ctx.svc, input.id)),
    unmatched: read.input(UnmatchedLineListInput).query(({ ctx, input }) => listUnmatchedLines(ctx.svc, input)),
    missing: read.input(MissingSettlementListInput).query(({ ctx, input }) => listOrdersMissingSettlement(ctx.svc, input)),
    import: write.input(ImportInput).mutation(async ({ ctx, input }) => translateImport(await importSettlements(ctx.svc, input), ctx.locale)),
    /** 拉取结算: start a settlement pull of one shop; the page polls `pullRun`. */
    pull: write.input(SettlementPullInput).mutation(async ({ ctx, input }) => {
      await getAccount(ctx.svc, input.id);
      const { run, joined } = await startSettlementPull({ ...ctx.svc, db: tenantDb(rootDb, ctx.svc.orgId) }, { accountId: input.id, trigger: "manual", from: input.from, to: input.to });
      if (!joined) await dispatchSettlementPull(rootDb, { orgId: ctx.svc.orgId, accountId: input.id, runId: run.id });
      return { runId: run.id, joined };
    }),
    pullRun: read.input(z.object({ id: uuidInput })).query(({ ctx, input }) => getSettlementPullRun(ctx.svc, input.id)),
  }),
  receivables: createTRPCRouter({
    list: read.input(ReceivablesListInput).query(({ ctx, input }) => listReceivables(ctx.svc, input)),
    totals: read.query(({ ctx }) => receivablesTotals(ctx.svc)),
    statement: read.input(CustomerStatementInput).query(({ ctx, input }) => customerStatement(ctx.svc, input)),
    payments: read.input(z.object({ orderId: uuidInput })).query(({ ctx, input }) => paymentsOfOrder(ctx.svc, input.orderId)),
    record: write.input(PaymentInput).mutation(({ ctx, input }) => recordPayment(ctx.svc, input)),
    void: write.input(VoidPaymentInput).mutation(({ ctx, input }) => voidPayment(ctx.svc, input)),
  }),
});
