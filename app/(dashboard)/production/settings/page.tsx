import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/layout/page-header";
import { ProgrammeSettings } from "@/components/production/programme-settings";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";
import { listProgrammes } from "@/server/services/production/programmes";

export async function generateMetadata() {
  const t = await getTranslations("production");
  return { title: t("settingsTitle") };
}

export default async function ProductionSettingsPage() {
  const { svc } = await requirePageContext();
  const [t, programmes] = await Promise.all([getTranslations("production"), listProgrammes(svc)]);
  return (
    <>
      <PageHeader title={t("settingsTitle")} />
      <div className="grid gap-6">
        {programmes.map((p) => (
          <ProgrammeSettings key={p.id} programme={p} canConfigure={can(svc.role, "settings.write")} canEditStages={can(svc.role, "production.write")} />
        ))}
      </div>
    </>
  );
}
