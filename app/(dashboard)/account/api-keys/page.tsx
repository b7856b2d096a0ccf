import { getTranslations } from "next-intl/server";
import { ApiKeysPanel } from "@/components/account/api-keys-panel";
import { Card, CardContent } from "@/components/ui/card";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";

export async function generateMetadata() {
  const t = await getTranslations("account");
  return { title: t("apiKeys") };
}

export default async function ApiKeysPage() {
  const { svc } = await requirePageContext();
  if (!can(svc.role, "apikeys.manage")) {
    const t = await getTranslations("account");
    return (
      <Card className="max-w-xl">
        <CardContent className="text-sm text-muted-foreground">{t("noPermissionSection")}</CardContent>
      </Card>
    );
  }
  return <ApiKeysPanel />;
}
