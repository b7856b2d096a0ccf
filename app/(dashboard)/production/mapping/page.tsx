import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/layout/page-header";
import { RouteList } from "@/components/production/route-list";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";
import { listProgrammes } from "@/server/services/production/programmes";

export async function generateMetadata() {
  const t = await getTranslations("production");
  return { title: t("mappingTitle") };
}

/** Step one of the mapping: the merchant's routes and their mapping state; choose one to map. */
export default async function MappingPage() {
  const { svc } = await requirePageContext();
  const [t, programmes] = await Promise.all([getTranslations("production"), listProgrammes(svc)]);
  return (
    <>
      <PageHeader title={t("mappingTitle")} description={t("mappingHelp", { programme: programmes[0]?.name ?? "" })} />
      <RouteList canWrite={can(svc.role, "production.write")} mode="mapping" />
    </>
  );
}
