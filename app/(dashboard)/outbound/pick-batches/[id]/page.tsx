import { notFound } from "next/navigation";
import { PickListView } from "@/components/outbound/pick-list";
import { requirePageContext } from "@/server/auth/page-context";
import { DomainError } from "@/server/errors";
import { getPrecision } from "@/server/services/_lib/precision";
import { getPickList } from "@/server/services/outbound/pick";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The pick list of a batch; the page prints without the app's chrome (no-print). */
export default async function PickListPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!UUID.test(id)) notFound();
  const { svc } = await requirePageContext();
  const data = await getPickList(svc, id).catch((e) => {
    if (e instanceof DomainError && e.code === "NOT_FOUND") notFound();
    throw e;
  });
  const precision = await getPrecision(svc.db, svc.orgId);
  return <PickListView data={data} scale={precision.quantityDecimals} />;
}
