import { getTranslations } from "next-intl/server";
import { redirect } from "next/navigation";
import { FreightBillImport } from "@/components/finance/freight-bill-import";
import { ProfitList } from "@/components/finance/profit-list";
import { PageHeader } from "@/components/layout/page-header";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";
import { reportingCurrency } from "@/server/services/finance/settings";

export async function generateMetadata() {
  const t = await getTranslations("finance");
  return { title: t("profitTitle") };
}

export default async function OrderProfitPage() {
  const { svc } = await requirePageContext();
  if (!can(svc.role, "finance.read")) redirect("/");
  const [currency, t] = await Promise.all([reportingCurrency(svc), getTranslations("finance")]);
  return (
    <>
      <PageHeader
        title={t("profitTitle")}
        description={t("profitHelp", { currency })}
        actions={can(svc.role, "finance.write") ? <FreightBillImport reportingCurrency={currency} /> : null}
      />
      <ProfitList canWrite={can(svc.role, "finance.write")} />
    </>
  );
}
