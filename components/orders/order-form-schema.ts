import { z } from "zod";
import { refineDecimal, type DecimalMessage, type PrecisionField } from "@/components/forms/decimal";
import type { LineType } from "@/lib/orders/status";
import type { Precision } from "@/lib/precision";
import { OrderContentInput } from "@/lib/validators/orders";

export type LineValues = {
  sku: string;
  /** Shown beside the SKU; not sent. */
  name: string;
  unit: string;
  quantity: string;
  unitPrice: string;
  lineType: LineType;
  remark: string;
};
export type AddressValues = {
  recipientName: string;
  recipientPhone: string;
  country: string;
  province: string;
  city: string;
  district: string;
  street: string;
  postcode: string;
};

/** What the form edits: the order's content as text boxes, plus how the address is chosen. */
export type OrderFormValues = {
  clientNum: string;
  buyerCompany: string;
  /** One of the customer's addresses, or one typed here. */
  addressMode: "pick" | "type";
  addressId: number | null;
  address: AddressValues;
  deliveryMethod: string;
  warehouseId: string;
  deliveryDate: string;
  freight: string;
  discountTotal: string;
  remark: string;
  agreementType: string;
  agreedTotalQty: string;
  processingType: string;
  agreedTotalAmount: string;
  lines: LineValues[];
  approveNow: boolean;
};

export const EMPTY_ADDRESS: AddressValues = {
  recipientName: "",
  recipientPhone: "",
  country: "CN",
  province: "",
  city: "",
  district: "",
  street: "",
  postcode: "",
};

export const emptyOrderForm = (deliveryMethod: string): OrderFormValues => ({
  clientNum: "",
  buyerCompany: "",
  addressMode: "type",
  addressId: null,
  address: EMPTY_ADDRESS,
  deliveryMethod,
  warehouseId: "",
  deliveryDate: "",
  freight: "",
  discountTotal: "",
  remark: "",
  agreementType: "",
  agreedTotalQty: "",
  processingType: "",
  agreedTotalAmount: "",
  lines: [],
  approveNow: false,
});

/** Fields the server may name in an error, placed next to their inputs. */
export const SERVER_FIELDS = [
  "clientNum",
  "buyerCompany",
  "addressId",
  "address",
  "deliveryMethod",
  "warehouseId",
  "deliveryDate",
  "freight",
  "discountTotal",
  "remark",
  "agreementType",
  "agreedTotalQty",
  "processingType",
  "agreedTotalAmount",
  "lines",
] as const;

/** The decimals of an order's content and the merchant precision each is held to. */
const DECIMALS: { name: keyof OrderFormValues; field: PrecisionField }[] = [
  { name: "freight", field: { kind: "amount", optional: true } },
  { name: "discountTotal", field: { kind: "amount", optional: true } },
  { name: "agreedTotalQty", field: { kind: "quantity", optional: true } },
  { name: "agreedTotalAmount", field: { kind: "amount", optional: true } },
];
const LINE_DECIMALS: { name: "quantity" | "unitPrice"; field: PrecisionField }[] = [
  { name: "quantity", field: { kind: "quantity", positive: true } },
  { name: "unitPrice", field: { kind: "price" } },
];

/** Whether the chosen delivery method ships to an address (unknown methods do). */
export const needsAddressFor = (methods: { name: string; requiresAddress: boolean }[], method: string) =>
  methods.find((m) => m.name === method)?.requiresAddress ?? true;

/** The form's values as the order content the server takes (create, edit). */
export function toOrderContent(v: OrderFormValues, needsAddress: boolean): OrderContentInput {
  const typed = needsAddress && (v.addressMode === "type" || !v.clientNum);
  return {
    clientNum: v.clientNum || null,
    buyerCompany: v.buyerCompany,
    addressId: needsAddress && !typed ? v.addressId : null,
    address: typed ? v.address : null,
    deliveryMethod: v.deliveryMethod || null,
    warehouseId: v.warehouseId || null,
    deliveryDate: v.deliveryDate || null,
    freight: v.freight || null,
    discountTotal: v.discountTotal || null,
    remark: v.remark,
    agreementType: v.agreementType || null,
    agreedTotalQty: v.agreedTotalQty || null,
    processingType: v.processingType || null,
    agreedTotalAmount: v.agreedTotalAmount || null,
    lines: v.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice, lineType: l.lineType, remark: l.remark })),
  };
}

/**
 * The form's schema: the content it submits must pass the shared `OrderContentInput` (same rules and
 * message keys as the server), every decimal must fit the merchant's precision, and a delivery method
 * that ships needs an address — picked, or typed (the typed one's required fields come from the shared
 * address input). Messages are `errors.` keys or already-translated decimal messages (`useZodMessage`).
 */
export function orderFormSchema(
  precision: Precision,
  methods: { name: string; requiresAddress: boolean }[],
  decimalMessage: DecimalMessage,
) {
  return z.custom<OrderFormValues>().superRefine((v, ctx) => {
    const needsAddress = needsAddressFor(methods, v.deliveryMethod);
    const parsed = OrderContentInput.safeParse(toOrderContent(v, needsAddress));
    // A decimal's own check below words its error with the merchant's precision.
    const decimalPath = (path: PropertyKey[]) =>
      DECIMALS.some((d) => path.length === 1 && path[0] === d.name) ||
      (path[0] === "lines" && LINE_DECIMALS.some((d) => path[2] === d.name));
    for (const issue of parsed.success ? [] : parsed.error.issues) {
      if (!decimalPath(issue.path)) ctx.addIssue({ code: "custom", path: issue.path as (string | number)[], message: issue.message });
    }
    for (const d of DECIMALS) refineDecimal(ctx, [d.name], v[d.name], precision, d.field, decimalMessage);
    v.lines.forEach((l, i) => {
      for (const d of LINE_DECIMALS) refineDecimal(ctx, ["lines", i, d.name], l[d.name], precision, d.field, decimalMessage);
    });
    if (needsAddress && v.addressMode === "pick" && v.clientNum && !v.addressId) {
      ctx.addIssue({ code: "custom", path: ["addressId"], message: "addressRequired" });
    }
  });
}
