import { Decimal } from "@/lib/decimal";
import type { SettlementLineType } from "@/lib/finance/kinds";
import type { NormalizedSettlement, NormalizedSettlementLine } from "../types";

/*
 * Shopify settlements: Shopify Payments payouts and their balance transactions, over Admin GraphQL
 * (what the connector speaks): `shopifyPaymentsAccount { payouts(query: "issued_at:…") }`, then per
 * payout `balanceTransactions(query: "payout_id:<id>")`. A payout is one settlement (net = received when
 * PAID); each balance transaction gives a line for its amount (CHARGE → sale, REFUND → refund, others
 * adjustment) and one for Shopify's processing fee (−fee, a transaction fee), so the lines sum to the
 * payout's net.
 *
 * Checked against the docs corpus (shopify.dev ShopifyPaymentsBalanceTransaction,
 * ShopifyPaymentsAssociatedOrder, ShopifyPaymentsBalanceTransactionAssociatedPayout, the 2024-07
 * changelog "query arguments on payouts"): the fields amount / fee / net (MoneyV2), type, test,
 * transactionDate, associatedOrder {id, name}, associatedPayout {id, status}; "requires access to
 * payouts" (the read_shopify_payments_payouts scope the app now asks for).
 * Could not be verified: the search syntax of payouts (`issued_at:>=`) and of balanceTransactions
 * (`payout_id:`) — the changelog says query arguments exist, not which fields; the exact
 * ShopifyPaymentsPayout field names (issuedAt, net, status enum SCHEDULED / IN_TRANSIT / PAID / FAILED
 * / CANCELED) are from memory of the reference; the query cost of these connections (the simulator
 * counts them like any connection). Shops not on Shopify Payments (shopifyPaymentsAccount null) have no
 * settlements to pull: their gateway's file can be imported instead. Order transactions' fees of other
 * gateways are not read.
 */

const TYPE_OF: Record<string, SettlementLineType> = { CHARGE: "sale", REFUND: "refund", ADJUSTMENT: "adjustment", DISPUTE: "adjustment", RESERVED_FUNDS: "adjustment" };

type Money = { amount: string; currencyCode: string };
export type ShopifyPayoutNode = { id: string; issuedAt: string; status: string; net: Money };
export type ShopifyBalanceTxNode = {
  id: string;
  type: string;
  test: boolean;
  transactionDate: string;
  amount: Money;
  fee: Money;
  net: Money;
  associatedOrder: { id: string; name: string } | null;
};

export function balanceLines(txs: ShopifyBalanceTxNode[]): NormalizedSettlementLine[] {
  const out: NormalizedSettlementLine[] = [];
  for (const t of txs) {
    if (t.type === "PAYOUT") continue; // the transfer itself, not part of what it pays
    const order = t.associatedOrder?.id ?? "";
    const at = new Date(t.transactionDate);
    const amount = new Decimal(t.amount.amount);
    if (!amount.isZero()) {
      out.push({ externalLineId: `${t.id}:amount`, platformOrderId: order, type: TYPE_OF[t.type] ?? "other", platformType: t.type, currency: t.amount.currencyCode, amount: amount.toFixed(), postedAt: at, description: t.associatedOrder?.name ?? "" });
    }
    const fee = new Decimal(t.fee.amount);
    if (!fee.isZero()) {
      out.push({ externalLineId: `${t.id}:fee`, platformOrderId: order, type: "transaction_fee", platformType: `${t.type}_FEE`, currency: t.fee.currencyCode, amount: fee.neg().toFixed(), postedAt: at, description: t.associatedOrder?.name ?? "" });
    }
  }
  return out;
}

export function payoutSettlement(p: ShopifyPayoutNode, lines: NormalizedSettlementLine[]): NormalizedSettlement {
  const paid = p.status === "PAID";
  return {
    externalId: p.id,
    settledAt: new Date(p.issuedAt),
    currency: p.net.currencyCode,
    receivedAmount: paid ? new Decimal(p.net.amount).toFixed() : null,
    status: paid ? "paid" : p.status === "FAILED" || p.status === "CANCELED" ? "failed" : "pending",
    platformStatus: p.status,
    lines,
  };
}

/** The numeric id of a gid (what the `payout_id:` search term takes). */
export const gidNumber = (gid: string) => gid.split("/").pop() ?? gid;
