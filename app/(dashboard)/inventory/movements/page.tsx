import { getTranslations } from "next-intl/server";
import { InventoryNav } from "@/components/inventory/inventory-nav";
import { MovementJournal } from "@/components/inventory/movement-journal";
import { PageHeader } from "@/components/layout/page-header";
import { requirePageContext } from "@/server/auth/page-context";
import { getPrecision } from "@/server/services/_lib/precision";

export async function generateMetadata() {
  const t = await getTranslations("inventory");
  return { title: t("movementsTitle") };
}

export default async function MovementsPage() {
  const { svc } = await requirePageContext();
  const [precision, t] = await Promise.all([getPrecision(svc), getTranslations("inventory")]);
  return (
    <>
      <PageHeader title={t("title")} description={t("movementsHelp")} />
      <InventoryNav />
      <MovementJournal scale={precision.quantityDecimals} />
    </>
  );
}
