import { getTranslations } from "next-intl/server";
import { SkuMappingList } from "@/components/channels/sku-mapping-list";
import { PageHeader } from "@/components/layout/page-header";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";
import { getPrecision } from "@/server/services/_lib/precision";
import { listAccounts } from "@/server/services/channels/accounts";

export async function generateMetadata() {
  const t = await getTranslations("channels");
  return { title: t("mappingsTitle") };
}

export default async function SkuMappingsPage() {
  const { svc } = await requirePageContext();
  const [t, accounts, precision] = await Promise.all([getTranslations("channels"), listAccounts(svc), getPrecision(svc)]);
  return (
    <>
      <PageHeader title={t("mappingsTitle")} description={t("mappingsHelp")} />
      <SkuMappingList
        canWrite={can(svc.role, "channels.operate")}
        accounts={accounts.map((a) => ({ id: a.id, alias: a.alias, platform: a.platform }))}
        quantityDecimals={precision.quantityDecimals}
      />
    </>
  );
}
