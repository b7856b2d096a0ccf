import { PickListView } from "@/components/outbound/pick-list";
import { loadOrNotFound, requirePageContext } from "@/server/auth/page-context";
import { getPrecision } from "@/server/services/_lib/precision";
import { getPickList } from "@/server/services/outbound/pick";

/** The pick list of a batch; the page prints without the app's chrome (no-print). */
export default async function PickListPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { svc } = await requirePageContext();
  const data = await loadOrNotFound(id, (id) => getPickList(svc, id));
  const precision = await getPrecision(svc);
  return <PickListView data={data} scale={precision.quantityDecimals} />;
}
