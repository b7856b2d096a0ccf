import { getTranslations } from "next-intl/server";
import { redirect } from "next/navigation";
import { RateList } from "@/components/finance/rate-list";
import { PageHeader } from "@/components/layout/page-header";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";
import { reportingCurrency } from "@/server/services/finance/settings";

export async function generateMetadata() {
  const t = await getTranslations("finance");
  return { title: t("ratesTitle") };
}

export default async function RatesPage() {
  const { svc } = await requirePageContext();
  if (!can(svc.role, "finance.read")) redirect("/");
  const [currency, t] = await Promise.all([reportingCurrency(svc), getTranslations("finance")]);
  return (
    <>
      <PageHeader title={t("ratesTitle")} description={t("ratesHelp")} />
      <RateList canWrite={can(svc.role, "finance.write")} reportingCurrency={currency} />
    </>
  );
}
