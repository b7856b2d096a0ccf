import { z } from "zod";
import {
  CustomerInput,
  CustomerListInput,
  CustomerUpdateInput,
  DeliveryMethodInput,
  DeliveryMethodUpdateInput,
  PrecisionInput,
  ProductInput,
  ProductListInput,
  ProductUpdateInput,
  SetEnabledInput,
  WarehouseInput,
  WarehouseUpdateInput,
} from "@/lib/validators/catalog";
import { uuidInput } from "@/lib/validators/common";
import { ImportInput } from "@/lib/validators/tabular";
import * as customers from "@/server/services/catalog/customers";
import * as delivery from "@/server/services/catalog/delivery-methods";
import { importCustomers, importProducts } from "@/server/services/catalog/import";
import * as products from "@/server/services/catalog/products";
import * as settings from "@/server/services/catalog/settings";
import * as warehouses from "@/server/services/catalog/warehouses";
import { translateImport } from "../i18n";
import { createTRPCRouter, orgProcedure, permitted } from "../trpc";

export const productsRouter = createTRPCRouter({
  list: orgProcedure.input(ProductListInput).query(({ ctx, input }) => products.listProducts(ctx.svc, input)),
  byId: orgProcedure.input(z.object({ id: uuidInput })).query(({ ctx, input }) => products.getProduct(ctx.svc, input.id)),
  create: permitted("catalog.write").input(ProductInput).mutation(({ ctx, input }) => products.createProduct(ctx.svc, input)),
  update: permitted("catalog.write").input(ProductUpdateInput).mutation(({ ctx, input }) => products.updateProduct(ctx.svc, input)),
  setEnabled: permitted("catalog.write").input(SetEnabledInput).mutation(({ ctx, input }) => products.setProductEnabled(ctx.svc, input)),
  import: permitted("catalog.write").input(ImportInput).mutation(async ({ ctx, input }) => translateImport(await importProducts(ctx.svc, input), ctx.locale)),
});

export const customersRouter = createTRPCRouter({
  list: orgProcedure.input(CustomerListInput).query(({ ctx, input }) => customers.listCustomers(ctx.svc, input)),
  byId: orgProcedure.input(z.object({ id: uuidInput })).query(({ ctx, input }) => customers.getCustomer(ctx.svc, input.id)),
  create: permitted("customers.write").input(CustomerInput).mutation(({ ctx, input }) => customers.createCustomer(ctx.svc, input)),
  update: permitted("customers.write").input(CustomerUpdateInput).mutation(({ ctx, input }) => customers.updateCustomer(ctx.svc, input)),
  setEnabled: permitted("customers.write").input(SetEnabledInput).mutation(({ ctx, input }) => customers.setCustomerEnabled(ctx.svc, input)),
  import: permitted("customers.write").input(ImportInput).mutation(async ({ ctx, input }) => translateImport(await importCustomers(ctx.svc, input), ctx.locale)),
});

export const warehousesRouter = createTRPCRouter({
  list: orgProcedure
    .input(z.object({ enabledOnly: z.boolean().optional() }).default({}))
    .query(({ ctx, input }) => warehouses.listWarehouses(ctx.svc, input)),
  byId: orgProcedure.input(z.object({ id: uuidInput })).query(({ ctx, input }) => warehouses.getWarehouse(ctx.svc, input.id)),
  create: permitted("warehouses.write").input(WarehouseInput).mutation(({ ctx, input }) => warehouses.createWarehouse(ctx.svc, input)),
  update: permitted("warehouses.write").input(WarehouseUpdateInput).mutation(({ ctx, input }) => warehouses.updateWarehouse(ctx.svc, input)),
  setEnabled: permitted("warehouses.write").input(SetEnabledInput).mutation(({ ctx, input }) => warehouses.setWarehouseEnabled(ctx.svc, input)),
});

export const deliveryMethodsRouter = createTRPCRouter({
  list: orgProcedure
    .input(z.object({ enabledOnly: z.boolean().optional() }).default({}))
    .query(({ ctx, input }) => delivery.listDeliveryMethods(ctx.svc, input)),
  create: permitted("settings.write").input(DeliveryMethodInput).mutation(({ ctx, input }) => delivery.createDeliveryMethod(ctx.svc, input)),
  update: permitted("settings.write").input(DeliveryMethodUpdateInput).mutation(({ ctx, input }) => delivery.updateDeliveryMethod(ctx.svc, input)),
  setEnabled: permitted("settings.write").input(SetEnabledInput).mutation(({ ctx, input }) => delivery.setDeliveryMethodEnabled(ctx.svc, input)),
});

export const settingsRouter = createTRPCRouter({
  get: orgProcedure.query(({ ctx }) => settings.getSettings(ctx.svc)),
  updatePrecision: permitted("settings.write").input(PrecisionInput).mutation(({ ctx, input }) => settings.updatePrecision(ctx.svc, input)),
  updateProfile: permitted("settings.write").input(settings.OrgProfileInput).mutation(({ ctx, input }) => settings.updateOrgProfile(ctx.svc, input)),
});
