import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/layout/page-header";
import { OutboundList } from "@/components/outbound/outbound-list";
import { OutboundNav } from "@/components/outbound/outbound-nav";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";
import { getPrecision } from "@/server/services/_lib/precision";

export async function generateMetadata() {
  const t = await getTranslations("outbound");
  return { title: t("title") };
}

export default async function OutboundPage() {
  const { svc } = await requirePageContext();
  const [precision, t] = await Promise.all([getPrecision(svc), getTranslations("outbound")]);
  return (
    <>
      <PageHeader title={t("title")} description={t("help")} />
      <OutboundNav />
      <OutboundList scale={precision.quantityDecimals} canWrite={can(svc.role, "outbound.write")} />
    </>
  );
}
