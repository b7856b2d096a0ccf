import { getTranslations } from "next-intl/server";
import { PlatformOrderList } from "@/components/channels/platform-order-list";
import { PageHeader } from "@/components/layout/page-header";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";
import { getPrecision } from "@/server/services/_lib/precision";
import { listAccounts } from "@/server/services/channels/accounts";

export async function generateMetadata() {
  const t = await getTranslations("channels");
  return { title: t("ordersTitle") };
}

export default async function PlatformOrdersPage() {
  const { svc } = await requirePageContext();
  const [t, accounts, precision] = await Promise.all([getTranslations("channels"), listAccounts(svc), getPrecision(svc)]);
  return (
    <>
      <PageHeader title={t("ordersTitle")} description={t("ordersHelp")} />
      <PlatformOrderList
        canOperate={can(svc.role, "channels.operate")}
        accounts={accounts.map((a) => ({ id: a.id, alias: a.alias, platform: a.platform }))}
        precision={precision}
      />
    </>
  );
}
