import { and, asc, desc, eq, inArray } from "drizzle-orm";
import { type z } from "zod";
import { agreementTypes, customerAddresses, customers, deliveryMethods, products, warehouses } from "@/db/schema";
import { COLUMN_MAX, dec, fitsColumn, roundTo, sumDecimals } from "@/lib/decimal";
import type { LineType } from "@/lib/orders/status";
import type { OrderContentInput } from "@/lib/validators/orders";
import type { ServiceContext } from "@/server/context";
import { fieldError } from "@/server/errors";
import { FieldErrorCollector, parseDecimalField, parseOptionalDecimalField } from "../_lib/precision";
import type { MerchantSettings } from "../_lib/settings";

type ParsedContent = z.output<typeof OrderContentInput>;

export type ResolvedLine = {
  lineNo: number;
  productId: string;
  sku: string;
  productName: string;
  quantity: string;
  unitPrice: string;
  amount: string;
  lineType: LineType;
  remark: string;
};

/** Order content checked against the merchant's master data and precision, ready to store. */
export type ResolvedContent = {
  customerId: string | null;
  clientNum: string | null;
  buyerCompany: string;
  addressId: number | null;
  recipientName: string;
  recipientPhone: string;
  country: string;
  province: string;
  city: string;
  district: string;
  street: string;
  postcode: string;
  deliveryMethod: string;
  warehouseId: string | null;
  deliveryDate: string | null;
  freight: string;
  remark: string;
  agreementType: string | null;
  agreedTotalQty: string | null;
  processingType: string | null;
  agreedTotalAmount: string | null;
  linesTotal: string;
  totalQty: string;
  discountTotal: string;
  specialPrice: boolean;
  lines: ResolvedLine[];
};

const EMPTY_ADDRESS = { recipientName: "", recipientPhone: "", country: "", province: "", city: "", district: "", street: "", postcode: "" };

/**
 * Check an order's content: customer, address, delivery method, warehouse, agreement terms, SKUs and
 * every decimal at the merchant's precision. Collects all problems and throws them together (field
 * paths as on the form: `lines.2.unitPrice`), so nothing is written unless everything is right.
 *
 * Amounts: a line's amount is quantity × unit price rounded half-up to the amount precision; the lines
 * total sums the buy lines (gifts are free); the settlement total (discountTotal) defaults to the lines
 * total, and a different one marks the order as special-price (特批价).
 */
export async function resolveContent(ctx: ServiceContext, input: ParsedContent, settings: MerchantSettings): Promise<ResolvedContent> {
  const errors = new FieldErrorCollector();
  const db = ctx.db;

  const freightIn = errors.run(() => parseOptionalDecimalField(input.freight, "freight", settings, "amount"));
  const discountIn = errors.run(() => parseOptionalDecimalField(input.discountTotal, "discountTotal", settings, "amount"));
  const agreedTotalQty = errors.run(() => parseOptionalDecimalField(input.agreedTotalQty, "agreedTotalQty", settings, "quantity")) ?? null;
  const agreedTotalAmount = errors.run(() => parseOptionalDecimalField(input.agreedTotalAmount, "agreedTotalAmount", settings, "amount")) ?? null;

  // Independent reads in one go (pipelined on the transaction's connection).
  const skus = [...new Set(input.lines.map((l) => l.sku))];
  const [customerRows, methods, warehouseRows, types, found] = await Promise.all([
    input.clientNum
      ? db.select().from(customers).where(and(eq(customers.orgId, ctx.orgId), eq(customers.clientNum, input.clientNum)))
      : Promise.resolve([]),
    db
      .select()
      .from(deliveryMethods)
      .where(and(eq(deliveryMethods.orgId, ctx.orgId), eq(deliveryMethods.enabled, true)))
      .orderBy(asc(deliveryMethods.sortOrder)),
    input.warehouseId
      ? db
          .select({ id: warehouses.id, enabled: warehouses.enabled })
          .from(warehouses)
          .where(and(eq(warehouses.orgId, ctx.orgId), eq(warehouses.id, input.warehouseId)))
      : Promise.resolve([]),
    input.agreementType || input.processingType
      ? db
          .select({ kind: agreementTypes.kind, name: agreementTypes.name })
          .from(agreementTypes)
          .where(and(eq(agreementTypes.orgId, ctx.orgId), eq(agreementTypes.enabled, true)))
      : Promise.resolve([]),
    db
      .select({ id: products.id, sku: products.sku, name: products.name, spec: products.spec, enabled: products.enabled })
      .from(products)
      .where(and(eq(products.orgId, ctx.orgId), inArray(products.sku, skus))),
  ]);

  // Customer
  let customer: typeof customers.$inferSelect | null = null;
  if (input.clientNum) {
    const row = customerRows[0];
    if (!row) errors.add("clientNum", "customerUnknown", { clientNum: input.clientNum });
    else if (!row.enabled) errors.add("clientNum", "customerDisabled", { clientNum: input.clientNum });
    else customer = row;
  }

  // Delivery method: one of the merchant's enabled methods; the default when none is given.
  const method = input.deliveryMethod ? methods.find((m) => m.name === input.deliveryMethod) : (methods.find((m) => m.isDefault) ?? methods[0]);
  if (!method) {
    errors.add("deliveryMethod", "deliveryMethodUnknown", {
      name: input.deliveryMethod ?? "",
      allowed: methods.map((m) => m.name).join("、"),
    });
  }
  const needsAddress = method?.requiresAddress ?? true;

  // Shipping address: typed fields win; address_id says which customer address they came from; with
  // neither, the customer's default address. Pick-up (上门自取) needs none and carries no freight.
  let address = { ...EMPTY_ADDRESS };
  let addressId: number | null = null;
  if (needsAddress) {
    if (input.addressId) {
      const [row] = await db
        .select()
        .from(customerAddresses)
        .where(
          and(
            eq(customerAddresses.orgId, ctx.orgId),
            eq(customerAddresses.id, input.addressId),
            customer ? eq(customerAddresses.customerId, customer.id) : undefined,
          ),
        );
      if (!row) errors.add("addressId", "addressUnknown", { id: input.addressId, clientNum: input.clientNum ?? "" });
      else {
        addressId = row.id;
        address = fromCustomerAddress(row);
      }
    } else if (!input.address && customer) {
      const [row] = await db
        .select()
        .from(customerAddresses)
        .where(and(eq(customerAddresses.orgId, ctx.orgId), eq(customerAddresses.customerId, customer.id)))
        .orderBy(desc(customerAddresses.isDefault), asc(customerAddresses.id))
        .limit(1);
      if (row) {
        addressId = row.id;
        address = fromCustomerAddress(row);
      }
    }
    if (input.address) address = { ...EMPTY_ADDRESS, ...input.address };
    // (An unknown customer or address_id has its own error already.)
    if (!address.street && !input.addressId && !(input.clientNum && !customer)) errors.add("address", "addressRequired");
  }

  // Warehouse
  let warehouseId: string | null = null;
  if (input.warehouseId) {
    const row = warehouseRows[0];
    if (!row || !row.enabled) errors.add("warehouseId", "warehouseUnknown");
    else warehouseId = row.id;
  }

  // Agreement terms (约定信息): types from the merchant's lists.
  if (input.agreementType || input.processingType) {
    if (input.agreementType && !types.some((t) => t.kind === "agreement" && t.name === input.agreementType)) {
      errors.add("agreementType", "agreementTypeUnknown", { name: input.agreementType });
    }
    if (input.processingType && !types.some((t) => t.kind === "processing" && t.name === input.processingType)) {
      errors.add("processingType", "processingTypeUnknown", { name: input.processingType });
    }
  }

  // Lines
  const lines = resolveLines(input.lines, new Map(found.map((p) => [p.sku, p])), settings, errors);
  errors.throwIfAny();
  const totals = orderTotals(lines, discountIn, settings);
  return {
    customerId: customer?.id ?? null,
    clientNum: customer?.clientNum ?? null,
    buyerCompany: input.buyerCompany || customer?.companyName || "",
    addressId,
    ...address,
    deliveryMethod: method!.name,
    warehouseId,
    deliveryDate: input.deliveryDate ?? null,
    freight: needsAddress ? (freightIn ?? "0") : "0",
    remark: input.remark,
    agreementType: input.agreementType ?? null,
    agreedTotalQty,
    processingType: input.processingType ?? null,
    agreedTotalAmount,
    ...totals,
    lines,
  };
}

/** A product as line resolution needs it. */
export type LineProduct = { id: string; sku: string; name: string; spec: string; enabled: boolean };

/**
 * The order's lines from its input: each SKU known and enabled, quantity and price at the merchant's
 * precision (an error per field path, never rounded), amount = quantity × price rounded to the amount
 * precision. Shared by resolveContent and the batch conversion path, so both decide alike.
 */
export function resolveLines(
  input: ParsedContent["lines"],
  bySku: Map<string, LineProduct>,
  settings: MerchantSettings,
  errors: FieldErrorCollector,
): ResolvedLine[] {
  const lines: ResolvedLine[] = [];
  input.forEach((l, i) => {
    const p = bySku.get(l.sku);
    if (!p) errors.add(`lines.${i}.sku`, "skuUnknown", { sku: l.sku });
    else if (!p.enabled) errors.add(`lines.${i}.sku`, "productDisabled", { sku: l.sku });
    const quantity = errors.run(() => parseDecimalField(l.quantity, `lines.${i}.quantity`, settings, "quantity", { positive: true }));
    const unitPrice = errors.run(() => parseDecimalField(l.unitPrice, `lines.${i}.unitPrice`, settings, "price"));
    // Each factor fits numeric(18,4), their product may not: a field error on the line, not a 500.
    const amount = quantity !== undefined && unitPrice !== undefined ? roundTo(dec(quantity).times(unitPrice), settings.amountDecimals) : undefined;
    if (amount !== undefined && !fitsColumn(amount)) errors.add(`lines.${i}.unitPrice`, "amountTooLarge", { max: COLUMN_MAX });
    else if (p && quantity !== undefined && unitPrice !== undefined && amount !== undefined) {
      lines.push({
        lineNo: i + 1,
        productId: p.id,
        sku: p.sku,
        productName: p.spec ? `${p.name} ${p.spec}` : p.name,
        quantity,
        unitPrice,
        amount,
        lineType: l.lineType,
        remark: l.remark,
      });
    }
  });
  return lines;
}

/** Lines total (buy lines only), total quantity, the settlement total and the special-price flag. */
export function orderTotals(lines: ResolvedLine[], discountIn: string | null | undefined, settings: MerchantSettings) {
  const linesTotal = roundTo(sumDecimals(lines.filter((l) => l.lineType === "buy").map((l) => l.amount)), settings.amountDecimals);
  // Lines that fit one by one can still add up past numeric(18,4).
  if (!fitsColumn(linesTotal)) throw fieldError("lines", "orderTotalTooLarge", { max: COLUMN_MAX });
  if (!fitsColumn(sumDecimals(lines.map((l) => l.quantity)))) throw fieldError("lines", "orderQuantityTooLarge", { max: COLUMN_MAX });
  const discountTotal = discountIn ? roundTo(discountIn, settings.amountDecimals) : linesTotal;
  return { linesTotal, totalQty: sumDecimals(lines.map((l) => l.quantity)).toFixed(), discountTotal, specialPrice: !dec(discountTotal).eq(linesTotal) };
}

function fromCustomerAddress(a: typeof customerAddresses.$inferSelect) {
  return {
    recipientName: a.recipient,
    recipientPhone: a.phone,
    country: a.country,
    province: a.province,
    city: a.city,
    district: a.district,
    street: a.street,
    postcode: a.postcode,
  };
}
