import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/layout/page-header";
import { ReturnForm } from "@/components/returns/return-form";
import { can } from "@/lib/permissions";
import { isUuid } from "@/lib/validators/common";
import { requirePageContext } from "@/server/auth/page-context";
import { getPrecision } from "@/server/services/_lib/precision";

/** /returns/new?orderId=… | ?outboundId=… | ?number=… — record a return, optionally for a given order. */
export default async function NewReturnPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const { svc } = await requirePageContext();
  if (!can(svc.role, "returns.write")) redirect("/returns");
  const sp = await searchParams;
  const [precision, t] = await Promise.all([getPrecision(svc), getTranslations("returns")]);
  const initial = {
    orderId: isUuid(sp.orderId) ? sp.orderId : undefined,
    outboundId: isUuid(sp.outboundId) ? sp.outboundId : undefined,
    number: sp.number?.slice(0, 40) || undefined,
  };
  return (
    <>
      <PageHeader title={t("newReturn")} description={t("help")} />
      <ReturnForm scale={precision.quantityDecimals} initial={initial} />
    </>
  );
}
