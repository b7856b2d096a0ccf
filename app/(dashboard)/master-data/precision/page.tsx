import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/layout/page-header";
import { PrecisionForm } from "@/components/master-data/precision/precision-form";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";
import { getPrecision } from "@/server/services/_lib/precision";

export async function generateMetadata() {
  const t = await getTranslations("masterData");
  return { title: t("precisionTitle") };
}

export default async function PrecisionPage() {
  const { svc } = await requirePageContext();
  const [precision, t] = await Promise.all([getPrecision(svc), getTranslations("masterData")]);
  return (
    <>
      <PageHeader title={t("precisionTitle")} description={t("precisionHelp")} />
      <PrecisionForm precision={precision} canWrite={can(svc.role, "settings.write")} />
    </>
  );
}
