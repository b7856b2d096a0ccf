import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/layout/page-header";
import { OperationList } from "@/components/production/operation-list";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";
import { getPrecision } from "@/server/services/_lib/precision";

export async function generateMetadata() {
  const t = await getTranslations("production");
  return { title: t("operationsTitle") };
}

export default async function OperationsPage() {
  const { svc } = await requirePageContext();
  const [precision, t] = await Promise.all([getPrecision(svc), getTranslations("production")]);
  return (
    <>
      <PageHeader title={t("operationsTitle")} description={t("operationsHelp")} />
      <OperationList precision={precision} canWrite={can(svc.role, "production.write")} />
    </>
  );
}
