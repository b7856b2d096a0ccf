import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/layout/page-header";
import { QuickReport } from "@/components/production/quick-report";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";
import { getPrecision } from "@/server/services/_lib/precision";

export async function generateMetadata() {
  const t = await getTranslations("production");
  return { title: t("quickTitle") };
}

export default async function QuickReportPage() {
  const { svc } = await requirePageContext();
  const [precision, t, tc] = await Promise.all([getPrecision(svc), getTranslations("production"), getTranslations("common")]);
  return (
    <>
      <PageHeader title={t("quickTitle")} description={t("quickHelp")} />
      {can(svc.role, "production.write") ? <QuickReport precision={precision} /> : <p className="text-muted-foreground">{tc("noPermission")}</p>}
    </>
  );
}
