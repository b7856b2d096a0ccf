import { getTranslations } from "next-intl/server";
import { InboundList } from "@/components/inbound/inbound-list";
import { PageHeader } from "@/components/layout/page-header";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";
import { getPrecision } from "@/server/services/_lib/precision";

export async function generateMetadata() {
  const t = await getTranslations("inbound");
  return { title: t("title") };
}

export default async function InboundPage() {
  const { svc } = await requirePageContext();
  const [precision, t] = await Promise.all([getPrecision(svc), getTranslations("inbound")]);
  return (
    <>
      <PageHeader title={t("title")} description={t("help")} />
      <InboundList scale={precision.quantityDecimals} canWrite={can(svc.role, "inbound.write")} />
    </>
  );
}
