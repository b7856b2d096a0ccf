import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/layout/page-header";
import { RouteList } from "@/components/production/route-list";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";

export async function generateMetadata() {
  const t = await getTranslations("production");
  return { title: t("routesTitle") };
}

export default async function RoutesPage() {
  const { svc } = await requirePageContext();
  const t = await getTranslations("production");
  return (
    <>
      <PageHeader title={t("routesTitle")} description={t("routesHelp")} />
      <RouteList canWrite={can(svc.role, "production.write")} />
    </>
  );
}
