import type { PlatformOrderBlocker, PullSummary, SettlementPullSummary } from "@/db/schema/channels";
import { errorText, type Translate } from "@/lib/i18n/message-ref";

/**
 * Why a platform order cannot be converted, in the translator's language: the blocker's kind with its
 * SKU, and its reasons (message keys) — or, on rows blocked before reasons were keys, their text as is.
 */
export function blockerText(t: Translate, b: PlatformOrderBlocker): string {
  const detail = b.reasons?.length ? b.reasons.map((r) => errorText(t, r)).join("; ") : (b.detail ?? "");
  return t(`channels.blockers.${b.kind}`, { sku: b.platformSku ?? b.sku ?? "", detail }).trim();
}

/** The last pull's outcome on the accounts page. */
export const pullSummaryText = (t: Translate, s: PullSummary) => t(`channels.pullSummary.${s.key}`, s.params);

/** The last settlement pull's outcome on the accounts page. */
export const settlementPullSummaryText = (t: Translate, s: SettlementPullSummary) => t(`channels.pullSummary.${s.key}`, s.params);
