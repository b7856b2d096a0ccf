import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/layout/page-header";
import { DeliveryMethodList } from "@/components/master-data/delivery-methods/delivery-method-list";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";

export async function generateMetadata() {
  const t = await getTranslations("masterData");
  return { title: t("deliveryTitle") };
}

export default async function DeliveryMethodsPage() {
  const { svc } = await requirePageContext();
  const t = await getTranslations("masterData");
  return (
    <>
      <PageHeader title={t("deliveryTitle")} description={t("deliveryHelp")} />
      <DeliveryMethodList canWrite={can(svc.role, "settings.write")} />
    </>
  );
}
