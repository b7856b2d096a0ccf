import { BlockedPlatformOrdersCard } from "@/components/channels/blocked-orders-card";
import { OrderStatusCard } from "@/components/orders/order-status-card";
import { MasterDataCard } from "./master-data-card";
import { MerchantCard } from "./merchant-card";
import { QuickLinksCard } from "./quick-links-card";
import type { HomeWidget } from "./widget";

/**
 * The home dashboard's cards, in order. A module adds its card here: an async server component that
 * takes `{ svc }` and reads through its services (return null to hide it).
 */
export const HOME_WIDGETS: HomeWidget[] = [
  { key: "blockedPlatformOrders", render: BlockedPlatformOrdersCard, span: "full" },
  { key: "orderStatus", render: OrderStatusCard, span: 2 },
  { key: "masterData", render: MasterDataCard, span: 2 },
  { key: "quickLinks", render: QuickLinksCard },
  { key: "merchant", render: MerchantCard },
];
