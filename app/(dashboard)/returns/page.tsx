import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/layout/page-header";
import { ReturnList } from "@/components/returns/return-list";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";
import { getPrecision } from "@/server/services/_lib/precision";

export async function generateMetadata() {
  const t = await getTranslations("returns");
  return { title: t("title") };
}

export default async function ReturnsPage() {
  const { svc } = await requirePageContext();
  const [precision, t] = await Promise.all([getPrecision(svc), getTranslations("returns")]);
  return (
    <>
      <PageHeader title={t("title")} description={t("help")} />
      <ReturnList scale={precision.quantityDecimals} canWrite={can(svc.role, "returns.write")} />
    </>
  );
}
