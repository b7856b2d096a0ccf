import "server-only";
import type { ServiceContext } from "@/server/context";
import { listDeliveryMethods } from "@/server/services/catalog/delivery-methods";
import { listWarehouses } from "@/server/services/catalog/warehouses";
import { getPrecision } from "@/server/services/_lib/precision";
import { listAgreementTypes } from "@/server/services/orders/agreement-types";
import type { FormOptions } from "./order-form";

/** What the order form offers, read on the server for the first render (same shape as orders.formOptions). */
export async function loadFormOptions(svc: ServiceContext): Promise<FormOptions> {
  const [deliveryMethods, warehouses, agreementTypes, precision] = await Promise.all([
    listDeliveryMethods(svc, { enabledOnly: true }),
    listWarehouses(svc, { enabledOnly: true }),
    listAgreementTypes(svc),
    getPrecision(svc.db, svc.orgId),
  ]);
  return {
    deliveryMethods: deliveryMethods.map((m) => ({ name: m.name, requiresAddress: m.requiresAddress, isDefault: m.isDefault })),
    warehouses: warehouses.map((w) => ({ id: w.id, code: w.code, name: w.name, isDefault: w.isDefault })),
    agreementTypes,
    precision,
  };
}
