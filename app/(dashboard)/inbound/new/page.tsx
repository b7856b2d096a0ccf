import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { InboundForm } from "@/components/inbound/inbound-form";
import { PageHeader } from "@/components/layout/page-header";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";
import { getPrecision } from "@/server/services/_lib/precision";

export default async function NewInboundPage() {
  const { svc } = await requirePageContext();
  if (!can(svc.role, "inbound.write")) redirect("/inbound");
  const [precision, t] = await Promise.all([getPrecision(svc), getTranslations("inbound")]);
  return (
    <>
      <PageHeader title={t("newReceipt")} description={t("help")} />
      <InboundForm scale={precision.quantityDecimals} />
    </>
  );
}
