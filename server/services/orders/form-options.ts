import type { z } from "zod";
import { dec, sumDecimals } from "@/lib/decimal";
import { PickProductsInput } from "@/lib/validators/orders";
import type { ServiceContext } from "@/server/context";
import { listDeliveryMethods } from "../catalog/delivery-methods";
import { listProducts } from "../catalog/products";
import { listWarehouses } from "../catalog/warehouses";
import { stockFor } from "../inventory/ledger";
import { getPrecision } from "../_lib/precision";
import { listAgreementTypes } from "./agreement-types";

/**
 * What the order form offers: enabled delivery methods and warehouses, agreement/processing types and
 * the merchant's precision. The new/edit pages read it for the first render, `orders.formOptions` after.
 */
export async function orderFormOptions(ctx: ServiceContext) {
  const [deliveryMethods, warehouses, agreementTypes, precision] = await Promise.all([
    listDeliveryMethods(ctx, { enabledOnly: true }),
    listWarehouses(ctx, { enabledOnly: true }),
    listAgreementTypes(ctx),
    getPrecision(ctx),
  ]);
  return {
    deliveryMethods: deliveryMethods.map((m) => ({ name: m.name, requiresAddress: m.requiresAddress, isDefault: m.isDefault })),
    warehouses: warehouses.map((w) => ({ id: w.id, code: w.code, name: w.name, isDefault: w.isDefault })),
    agreementTypes,
    precision,
  };
}

/** The order form's product picker: enabled products by SKU/name/barcode, 20 a page, with their available stock. */
export async function pickProducts(ctx: ServiceContext, raw: z.input<typeof PickProductsInput>) {
  const input = PickProductsInput.parse(raw);
  const page = await listProducts(ctx, { search: input.search, enabled: true, sort: "sku", dir: "asc", limit: 20, cursor: input.cursor });
  const stock = await stockFor(ctx, page.items.map((p) => p.id));
  return {
    nextCursor: page.nextCursor,
    items: page.items.map((p) => ({
      id: p.id,
      sku: p.sku,
      name: p.name,
      spec: p.spec,
      unit: p.unit,
      price: p.price,
      available: sumDecimals(stock.filter((s) => s.productId === p.id).map((s) => dec(s.available))).toFixed(),
    })),
  };
}
