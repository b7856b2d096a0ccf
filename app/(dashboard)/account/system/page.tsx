import { getTranslations } from "next-intl/server";
import { SystemStatusPanel } from "@/components/account/system-status-panel";
import { Card, CardContent } from "@/components/ui/card";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";

export async function generateMetadata() {
  const t = await getTranslations("account");
  return { title: t("system") };
}

export default async function SystemStatusPage() {
  const { svc } = await requirePageContext();
  if (!can(svc.role, "settings.write")) {
    const t = await getTranslations("account");
    return (
      <Card className="max-w-xl">
        <CardContent className="text-sm text-muted-foreground">{t("noPermissionSection")}</CardContent>
      </Card>
    );
  }
  return <SystemStatusPanel />;
}
