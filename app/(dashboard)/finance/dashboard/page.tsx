import { getTranslations } from "next-intl/server";
import { redirect } from "next/navigation";
import { FinanceDashboard } from "@/components/finance/finance-dashboard";
import { PageHeader } from "@/components/layout/page-header";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";
import { reportingCurrency } from "@/server/services/finance/settings";

export async function generateMetadata() {
  const t = await getTranslations("financeDashboard");
  return { title: t("title") };
}

export default async function FinanceDashboardPage() {
  const { svc } = await requirePageContext();
  if (!can(svc.role, "finance.read")) redirect("/");
  const [currency, t] = await Promise.all([reportingCurrency(svc), getTranslations("financeDashboard")]);
  return (
    <>
      <PageHeader title={t("title")} description={t("help", { currency })} />
      <FinanceDashboard />
    </>
  );
}
