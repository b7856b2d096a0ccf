import { BlockedPlatformOrdersCard } from "@/components/channels/blocked-orders-card";
import { MasterDataCard } from "@/components/dashboard/master-data-card";
import { MerchantCard } from "@/components/dashboard/merchant-card";
import { QuickLinksCard } from "@/components/dashboard/quick-links-card";
import type { HomeWidget } from "@/components/dashboard/widget";
import { OrderStatusCard } from "@/components/orders/order-status-card";
import { masterDataOverview } from "@/server/services/catalog/overview";
import { blockedPlatformOrderCount } from "@/server/services/channels/platform-orders";
import { orderStatusCountsOf } from "@/server/services/orders/queries";
import { getOrganization } from "@/server/services/orgs/orgs";

/**
 * The home dashboard's cards, in order. A module adds its card here: the read through its services and
 * the card (a component given the data) it renders — or null to hide it.
 */
export const HOME_WIDGETS: HomeWidget[] = [
  { key: "blockedPlatformOrders", render: async ({ svc }) => <BlockedPlatformOrdersCard count={await blockedPlatformOrderCount(svc)} />, span: "full" },
  { key: "orderStatus", render: async ({ svc }) => <OrderStatusCard counts={await orderStatusCountsOf(svc)} />, span: 2 },
  { key: "masterData", render: async ({ svc }) => <MasterDataCard o={await masterDataOverview(svc)} />, span: 2 },
  { key: "quickLinks", render: QuickLinksCard },
  { key: "merchant", render: async ({ svc }) => <MerchantCard org={await getOrganization(svc)} /> },
];
