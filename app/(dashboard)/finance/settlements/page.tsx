import { getTranslations } from "next-intl/server";
import { redirect } from "next/navigation";
import { SettlementReconciliation } from "@/components/finance/settlement-reconciliation";
import { PageHeader } from "@/components/layout/page-header";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";

export async function generateMetadata() {
  const t = await getTranslations("settlements");
  return { title: t("title") };
}

/** 结算对账: payouts against what was received, lines without an order, orders without a settlement. */
export default async function SettlementsPage() {
  const { svc } = await requirePageContext();
  if (!can(svc.role, "finance.read")) redirect("/");
  const t = await getTranslations("settlements");
  return (
    <>
      <PageHeader title={t("title")} description={t("help")} />
      <SettlementReconciliation canWrite={can(svc.role, "finance.write")} />
    </>
  );
}
