import { Decimal } from "@/lib/decimal";
import type { SettlementLineType } from "@/lib/finance/kinds";
import type { NormalizedSettlement, NormalizedSettlementLine } from "../types";

/*
 * Amazon SP-API Finances v0 → settlements. A financial event group is one payout (its
 * FinancialEventGroupId the payout id, OriginalTotal what Amazon transfers, FundTransferDate when);
 * listFinancialEventsByGroupId gives its events. Each charge and fee of an item is a line, signed as
 * Amazon signs it (charges positive, fees negative; in a refund the principal comes back negative and
 * the commission refunded positive).
 *
 * Checked against the docs corpus (SDK copies of financesV0.json: amazon-spapi crate, muffin_man,
 * @moredeal/amazon-sp-api typings): the paths, FinancialEventGroupStartedAfter/Before, MaxResultsPerPage
 * (1–100, default 100), NextToken, the 0.5 rps / 30 burst usage plans of both operations, the group
 * fields (FinancialEventGroupId, ProcessingStatus, FundTransferStatus, OriginalTotal, FundTransferDate,
 * FinancialEventGroupStart/End), ShipmentEventList / RefundEventList of ShipmentEvent (AmazonOrderId,
 * PostedDate, ShipmentItemList with ItemChargeList / ItemFeeList, ShipmentItemAdjustmentList with
 * ItemChargeAdjustmentList / ItemFeeAdjustmentList; ChargeComponent {ChargeType, ChargeAmount},
 * FeeComponent {FeeType, FeeAmount}, Currency {CurrencyCode, CurrencyAmount}).
 * Could not be verified: the full FundTransferStatus enumeration (Succeeded is read as paid, Failed as
 * failed, anything else pending); the complete ChargeType / FeeType lists (unknown types map to
 * "other" / "service_fee" and keep their Amazon name); that StartedBefore has the two-minute rule of
 * Orders v0 (assumed, and left out within two minutes of now); the other 30-odd event lists (only
 * Shipment, Refund, ServiceFee and Adjustment events are read; the rest would show as a difference
 * between expected and received, which is what reconciliation is for).
 */

type Money = { CurrencyCode?: string; CurrencyAmount?: number | string };
type Charge = { ChargeType?: string; ChargeAmount?: Money };
type Fee = { FeeType?: string; FeeAmount?: Money };
type Item = {
  SellerSKU?: string;
  OrderItemId?: string;
  OrderAdjustmentItemId?: string;
  ItemChargeList?: Charge[];
  ItemFeeList?: Fee[];
  ItemChargeAdjustmentList?: Charge[];
  ItemFeeAdjustmentList?: Fee[];
};
type ShipmentEvent = { AmazonOrderId?: string; PostedDate?: string; ShipmentItemList?: Item[]; ShipmentItemAdjustmentList?: Item[] };

export type AmazonFinancialEvents = {
  ShipmentEventList?: ShipmentEvent[];
  RefundEventList?: ShipmentEvent[];
  ServiceFeeEventList?: { AmazonOrderId?: string; FeeReason?: string; FeeList?: Fee[] }[];
  AdjustmentEventList?: { AdjustmentType?: string; PostedDate?: string; AdjustmentAmount?: Money }[];
};

export type AmazonFinancialEventGroup = {
  FinancialEventGroupId: string;
  ProcessingStatus?: string;
  FundTransferStatus?: string;
  OriginalTotal?: Money;
  FundTransferDate?: string;
  FinancialEventGroupStart?: string;
  FinancialEventGroupEnd?: string;
};

const amount = (m: Money | undefined) => new Decimal(m?.CurrencyAmount === undefined || m.CurrencyAmount === null ? 0 : String(m.CurrencyAmount));

function chargeType(t: string, refund: boolean): SettlementLineType {
  if (/tax/i.test(t)) return "tax";
  if (refund) return "refund";
  if (t === "Principal" || t === "GiftWrap") return "sale";
  if (/^Shipping/.test(t)) return "shipping";
  return "other";
}

function feeType(t: string): SettlementLineType {
  if (t === "Commission" || t === "RefundCommission" || t === "VariableClosingFee" || t === "FixedClosingFee") return "commission";
  if (t.startsWith("FBA")) return "fba_fee";
  if (t === "ShippingChargeback" || t === "ShippingHB") return "shipping_fee";
  return "service_fee";
}

/** The lines of one group's events page; `seen` numbers repeats so line ids stay unique and stable. */
export function financialEventLines(events: AmazonFinancialEvents, currency: string, seen: Map<string, number>): NormalizedSettlementLine[] {
  const out: NormalizedSettlementLine[] = [];
  const push = (base: string, l: Omit<NormalizedSettlementLine, "externalLineId">) => {
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    out.push({ ...l, externalLineId: n === 1 ? base : `${base}#${n}` });
  };
  const walk = (kind: "Shipment" | "Refund", list: ShipmentEvent[] | undefined) => {
    for (const e of list ?? []) {
      const order = e.AmazonOrderId ?? "";
      const posted = e.PostedDate ? new Date(e.PostedDate) : null;
      for (const i of (kind === "Shipment" ? e.ShipmentItemList : e.ShipmentItemAdjustmentList) ?? []) {
        const itemId = i.OrderItemId ?? i.OrderAdjustmentItemId ?? i.SellerSKU ?? "";
        for (const c of (kind === "Shipment" ? i.ItemChargeList : i.ItemChargeAdjustmentList) ?? []) {
          const t = c.ChargeType ?? "Charge";
          const a = amount(c.ChargeAmount);
          if (a.isZero()) continue;
          push(`${kind}:${order}:${e.PostedDate ?? ""}:${itemId}:${t}`, {
            platformOrderId: order,
            type: chargeType(t, kind === "Refund"),
            platformType: t,
            currency: c.ChargeAmount?.CurrencyCode ?? currency,
            amount: a.toFixed(),
            postedAt: posted,
            description: i.SellerSKU ?? "",
          });
        }
        for (const f of (kind === "Shipment" ? i.ItemFeeList : i.ItemFeeAdjustmentList) ?? []) {
          const t = f.FeeType ?? "Fee";
          const a = amount(f.FeeAmount);
          if (a.isZero()) continue;
          push(`${kind}:${order}:${e.PostedDate ?? ""}:${itemId}:${t}`, {
            platformOrderId: order,
            type: feeType(t),
            platformType: t,
            currency: f.FeeAmount?.CurrencyCode ?? currency,
            amount: a.toFixed(),
            postedAt: posted,
            description: i.SellerSKU ?? "",
          });
        }
      }
    }
  };
  walk("Shipment", events.ShipmentEventList);
  walk("Refund", events.RefundEventList);
  for (const e of events.ServiceFeeEventList ?? []) {
    for (const f of e.FeeList ?? []) {
      const a = amount(f.FeeAmount);
      if (a.isZero()) continue;
      push(`ServiceFee:${e.AmazonOrderId ?? ""}:${f.FeeType ?? ""}:${e.FeeReason ?? ""}`, {
        platformOrderId: e.AmazonOrderId ?? "",
        type: "service_fee",
        platformType: f.FeeType ?? "ServiceFee",
        currency: f.FeeAmount?.CurrencyCode ?? currency,
        amount: a.toFixed(),
        postedAt: null,
        description: e.FeeReason ?? "",
      });
    }
  }
  for (const e of events.AdjustmentEventList ?? []) {
    const a = amount(e.AdjustmentAmount);
    if (a.isZero()) continue;
    push(`Adjustment:${e.AdjustmentType ?? ""}:${e.PostedDate ?? ""}`, {
      platformOrderId: "",
      type: "adjustment",
      platformType: e.AdjustmentType ?? "Adjustment",
      currency: e.AdjustmentAmount?.CurrencyCode ?? currency,
      amount: a.toFixed(),
      postedAt: e.PostedDate ? new Date(e.PostedDate) : null,
      description: "",
    });
  }
  return out;
}

export function groupSettlement(g: AmazonFinancialEventGroup, lines: NormalizedSettlementLine[]): NormalizedSettlement {
  const transfer = g.FundTransferStatus ?? "";
  const paid = transfer === "Succeeded";
  return {
    externalId: g.FinancialEventGroupId,
    settledAt: new Date(g.FundTransferDate ?? g.FinancialEventGroupEnd ?? g.FinancialEventGroupStart ?? Date.now()),
    currency: g.OriginalTotal?.CurrencyCode ?? "",
    receivedAmount: paid ? amount(g.OriginalTotal).toFixed() : null,
    status: paid ? "paid" : transfer === "Failed" ? "failed" : "pending",
    platformStatus: [g.ProcessingStatus, transfer].filter(Boolean).join(" / "),
    lines,
  };
}
