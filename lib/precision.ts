/** The merchant's decimals per kind of number (用户中心 → 精度); shared by the services and the forms. */
export type Precision = { amountDecimals: number; priceDecimals: number; quantityDecimals: number };
export type PrecisionKind = "amount" | "price" | "quantity";

export const scaleOf = (p: Precision, kind: PrecisionKind) =>
  kind === "amount" ? p.amountDecimals : kind === "price" ? p.priceDecimals : p.quantityDecimals;
