import { accountRouter } from "./routers/account";
import { customersRouter, deliveryMethodsRouter, productsRouter, settingsRouter, warehousesRouter } from "./routers/catalog";
import { productionRouter } from "./routers/production";
import { ordersRouter } from "./routers/orders";
import { inboundRouter } from "./routers/inbound";
import { inventoryRouter } from "./routers/inventory";
import { outboundRouter } from "./routers/outbound";
import { returnsRouter } from "./routers/returns";
import { channelsRouter } from "./routers/channels";
import { platformOrdersRouter } from "./routers/platform-orders";
import { skuMappingsRouter } from "./routers/sku-mappings";
import { systemRouter } from "./routers/system";
import { financeRouter } from "./routers/finance";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  account: accountRouter,
  products: productsRouter,
  customers: customersRouter,
  warehouses: warehousesRouter,
  deliveryMethods: deliveryMethodsRouter,
  settings: settingsRouter,
  inventory: inventoryRouter,
  inbound: inboundRouter,
  outbound: outboundRouter,
  returns: returnsRouter,
  orders: ordersRouter,
  production: productionRouter,
  channels: channelsRouter,
  platformOrders: platformOrdersRouter,
  skuMappings: skuMappingsRouter,
  system: systemRouter,
  finance: financeRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
