import { accountRouter } from "./routers/account";
import { customersRouter, deliveryMethodsRouter, productsRouter, settingsRouter, warehousesRouter } from "./routers/catalog";
import { ordersRouter } from "./routers/orders";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  account: accountRouter,
  products: productsRouter,
  customers: customersRouter,
  warehouses: warehousesRouter,
  deliveryMethods: deliveryMethodsRouter,
  settings: settingsRouter,
  orders: ordersRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
