import { getTranslations } from "next-intl/server";
import { AccountList } from "@/components/channels/account-list";
import { PageHeader } from "@/components/layout/page-header";
import { can } from "@/lib/permissions";
import { simulatorUrl } from "@/server/channels/endpoints";
import { requirePageContext } from "@/server/auth/page-context";
import { simulatorsAllowed } from "@/server/services/channels/accounts";

export async function generateMetadata() {
  const t = await getTranslations("channels");
  return { title: t("accountsTitle") };
}

export default async function ChannelAccountsPage() {
  const { svc } = await requirePageContext();
  const t = await getTranslations("channels");
  return (
    <>
      <PageHeader title={t("accountsTitle")} description={t("accountsHelp")} />
      <AccountList canManage={can(svc.role, "channels.manage")} canOperate={can(svc.role, "channels.operate")} canPullSettlements={can(svc.role, "finance.write")} simulatorUrl={simulatorsAllowed() ? simulatorUrl("shopify") : null} />
    </>
  );
}
