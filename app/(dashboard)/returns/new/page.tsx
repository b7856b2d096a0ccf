import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/layout/page-header";
import { ReturnForm } from "@/components/returns/return-form";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";
import { getPrecision } from "@/server/services/_lib/precision";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** /returns/new?orderId=… | ?outboundId=… | ?number=… — record a return, optionally for a given order. */
export default async function NewReturnPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const { svc } = await requirePageContext();
  if (!can(svc.role, "returns.write")) redirect("/returns");
  const sp = await searchParams;
  const [precision, t] = await Promise.all([getPrecision(svc.db, svc.orgId), getTranslations("returns")]);
  const initial = {
    orderId: sp.orderId && UUID.test(sp.orderId) ? sp.orderId : undefined,
    outboundId: sp.outboundId && UUID.test(sp.outboundId) ? sp.outboundId : undefined,
    number: sp.number?.slice(0, 40) || undefined,
  };
  return (
    <>
      <PageHeader title={t("newReturn")} description={t("help")} />
      <ReturnForm scale={precision.quantityDecimals} initial={initial} />
    </>
  );
}
