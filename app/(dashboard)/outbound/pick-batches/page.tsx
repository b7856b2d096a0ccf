import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/layout/page-header";
import { OutboundNav } from "@/components/outbound/outbound-nav";
import { PickBatchList } from "@/components/outbound/pick-batch-list";
import { requirePageContext } from "@/server/auth/page-context";

export async function generateMetadata() {
  const t = await getTranslations("outbound");
  return { title: t("batches") };
}

export default async function PickBatchesPage() {
  await requirePageContext();
  const t = await getTranslations("outbound");
  return (
    <>
      <PageHeader title={t("title")} description={t("batchesHelp")} />
      <OutboundNav />
      <PickBatchList />
    </>
  );
}
