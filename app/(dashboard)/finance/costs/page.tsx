import { getTranslations } from "next-intl/server";
import { redirect } from "next/navigation";
import { CostList } from "@/components/finance/cost-list";
import { PageHeader } from "@/components/layout/page-header";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";
import { getPrecision } from "@/server/services/_lib/precision";
import { reportingCurrency } from "@/server/services/finance/settings";

export async function generateMetadata() {
  const t = await getTranslations("finance");
  return { title: t("costsTitle") };
}

export default async function CostsPage() {
  const { svc } = await requirePageContext();
  if (!can(svc.role, "finance.read")) redirect("/");
  const [precision, currency, t] = await Promise.all([getPrecision(svc), reportingCurrency(svc), getTranslations("finance")]);
  return (
    <>
      <PageHeader title={t("costsTitle")} description={t("costsHelp")} />
      <CostList precision={precision} canWrite={can(svc.role, "finance.write")} reportingCurrency={currency} />
    </>
  );
}
