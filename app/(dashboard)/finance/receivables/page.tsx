import { getTranslations } from "next-intl/server";
import { redirect } from "next/navigation";
import { ReceivablesList } from "@/components/finance/receivables-list";
import { PageHeader } from "@/components/layout/page-header";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";

export async function generateMetadata() {
  const t = await getTranslations("finance");
  return { title: t("receivables.title") };
}

export default async function ReceivablesPage() {
  const { svc } = await requirePageContext();
  if (!can(svc.role, "finance.read")) redirect("/");
  const t = await getTranslations("finance");
  return (
    <>
      <PageHeader title={t("receivables.title")} description={t("receivables.help")} />
      <ReceivablesList />
    </>
  );
}
