import { describe, expect, it } from "vitest";
import type { DecimalMessage } from "@/components/forms/decimal";
import { emptyOrderForm, orderFormSchema, toOrderContent, type OrderFormValues } from "./order-form-schema";
import { orderTotals } from "./order-totals";

const precision = { amountDecimals: 2, priceDecimals: 4, quantityDecimals: 0 };
const methods = [
  { name: "快递", requiresAddress: true },
  { name: "自提", requiresAddress: false },
];
const message: DecimalMessage = (f, field, scale) => `${field}:${f.reason}:${scale}`;
const schema = orderFormSchema(precision, methods, message);
const line = { sku: "SKU-1", name: "", unit: "", quantity: "2", unitPrice: "10.5", lineType: "buy" as const, remark: "" };
const address = { recipientName: "张三", recipientPhone: "138", country: "CN", province: "", city: "", district: "", street: "一号路", postcode: "" };
const valid: OrderFormValues = { ...emptyOrderForm("快递"), address, lines: [line] };

const issues = (v: OrderFormValues) => {
  const r = schema.safeParse(v);
  return r.success ? {} : Object.fromEntries(r.error.issues.map((i) => [i.path.join("."), i.message]));
};

describe("the order form's schema (OrderContentInput + precision)", () => {
  it("accepts a typed order", () => {
    expect(issues(valid)).toEqual({});
  });

  it("gives the shared input's message keys: no lines, a typed address without its required fields, too long", () => {
    expect(issues({ ...valid, lines: [] })).toEqual({ lines: "linesRequired" });
    expect(issues({ ...valid, address: { ...address, recipientName: "", street: " " } })).toEqual({
      "address.recipientName": "required",
      "address.street": "required",
    });
    expect(issues({ ...valid, buyerCompany: "x".repeat(201) })).toEqual({ buyerCompany: "tooLong" });
  });

  it("holds every decimal to the merchant's precision, never rounding; a quantity must be above zero", () => {
    expect(
      issues({ ...valid, freight: "1.234", lines: [{ ...line, quantity: "1.5", unitPrice: "1.00001" }, { ...line, quantity: "0" }] }),
    ).toEqual({
      freight: "freight:scale:2",
      "lines.0.quantity": "quantity:scale:0",
      "lines.0.unitPrice": "unitPrice:scale:4",
      "lines.1.quantity": "quantity:notPositive:0",
    });
  });

  it("asks for an address only when the delivery method ships, and for a pick when a customer is chosen", () => {
    const noAddress = { ...valid, address: { ...address, recipientName: "", recipientPhone: "", street: "" } };
    expect(issues({ ...noAddress, deliveryMethod: "自提" })).toEqual({});
    expect(issues({ ...noAddress, clientNum: "10331", addressMode: "pick", addressId: null })).toEqual({ addressId: "addressRequired" });
    expect(toOrderContent({ ...noAddress, clientNum: "10331", addressMode: "pick", addressId: 7 }, true)).toMatchObject({ addressId: 7, address: null });
  });
});

describe("orderTotals", () => {
  it("sums buy lines in decimals, gifts free; a typed settlement is a special price; freight only when shipping", () => {
    const lines = [
      { ...line, quantity: "3", unitPrice: "0.1" },
      { ...line, quantity: "1", unitPrice: "0.2", lineType: "gift" as const },
    ];
    expect(orderTotals({ lines, discountTotal: "", freight: "5" }, true, precision)).toMatchObject({
      amounts: ["0.30", "0.20"],
      linesTotal: "0.30",
      totalQty: "4",
      settlement: "0.30",
      special: false,
      freight: "5.00",
      grandTotal: "5.30",
    });
    expect(orderTotals({ lines, discountTotal: "0.25", freight: "5" }, false, precision)).toMatchObject({
      settlement: "0.25",
      special: true,
      freight: "0.00",
      grandTotal: "0.25",
    });
  });
});
