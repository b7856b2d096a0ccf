import { getTranslations } from "next-intl/server";
import { HOME_WIDGETS } from "./home-widgets";
import { WidgetSlot } from "@/components/dashboard/widget";
import { PageHeader } from "@/components/layout/page-header";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";
import { getProfile } from "@/server/services/auth/profile";
import { getOrganization } from "@/server/services/orgs/orgs";

export async function generateMetadata() {
  const t = await getTranslations("dashboard");
  return { title: t("title") };
}

/** 主页: a grid of cards (home-widgets.tsx), each loading on its own. */
export default async function HomePage() {
  const { svc, session } = await requirePageContext();
  const [org, me, t] = await Promise.all([getOrganization(svc), getProfile(svc.db, session.user.id), getTranslations()]);
  const widgets = HOME_WIDGETS.filter((w) => !w.permission || can(svc.role, w.permission));
  return (
    <>
      <PageHeader
        title={t("dashboard.welcome", { name: me.name })}
        description={t("dashboard.subtitle", { org: org.name, role: t(`roles.${svc.role}`) })}
      />
      <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3" data-testid="home-grid">
        {widgets.map((w) => (
          <WidgetSlot key={w.key} widget={w} svc={svc} />
        ))}
      </div>
    </>
  );
}
