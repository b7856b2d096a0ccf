import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/layout/page-header";
import { WorkReportList } from "@/components/production/work-report-list";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";
import { getPrecision } from "@/server/services/_lib/precision";

export async function generateMetadata() {
  const t = await getTranslations("production");
  return { title: t("workReportsTitle") };
}

export default async function WorkReportsPage() {
  const { svc } = await requirePageContext();
  const [precision, t] = await Promise.all([getPrecision(svc), getTranslations("production")]);
  return (
    <>
      <PageHeader title={t("workReportsTitle")} description={t("workReportsHelp")} />
      <WorkReportList precision={precision} canWrite={can(svc.role, "production.write")} />
    </>
  );
}
