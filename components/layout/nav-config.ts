import type { LucideIcon } from "lucide-react";
import {
  Boxes,
  ClipboardList,
  Factory,
  Home,
  PackageMinus,
  PackagePlus,
  Store,
  Undo2,
  UserCog,
  Wallet,
  Warehouse,
} from "lucide-react";
import type { Messages } from "@/lib/i18n/messages";

type NavKey = keyof Messages["nav"];

export type NavItem = {
  key: NavKey;
  icon: LucideIcon;
  /** A module without an href is not built yet: shown, but not linked. */
  href?: string;
  children?: { key: NavKey; href: string }[];
};

/** The product's modules in the order of 003's menu bar. Each issue that builds a module adds its href. */
export const NAV: NavItem[] = [
  { key: "home", icon: Home, href: "/" },
  { key: "orders", icon: ClipboardList, href: "/orders" },
  {
    key: "channels",
    icon: Store,
    href: "/channels",
    children: [
      { key: "channelAccounts", href: "/channels" },
      { key: "platformOrders", href: "/channels/orders" },
      { key: "skuMappings", href: "/channels/sku-mappings" },
    ],
  },
  { key: "outbound", icon: PackageMinus, href: "/outbound" },
  { key: "inbound", icon: PackagePlus, href: "/inbound" },
  { key: "inventory", icon: Warehouse, href: "/inventory" },
  { key: "returns", icon: Undo2, href: "/returns" },
  {
    key: "production",
    icon: Factory,
    href: "/production",
    children: [
      { key: "productionPlans", href: "/production/plans" },
      { key: "productionReport", href: "/production/report" },
      { key: "productionWorkReports", href: "/production/work-reports" },
      { key: "productionRoutes", href: "/production/routes" },
      { key: "productionOperations", href: "/production/operations" },
      { key: "productionMapping", href: "/production/mapping" },
      { key: "productionSettings", href: "/production/settings" },
    ],
  },
  {
    key: "masterData",
    icon: Boxes,
    href: "/master-data/products",
    children: [
      { key: "products", href: "/master-data/products" },
      { key: "customers", href: "/master-data/customers" },
      { key: "warehouses", href: "/master-data/warehouses" },
      { key: "deliveryMethods", href: "/master-data/delivery-methods" },
      { key: "precision", href: "/master-data/precision" },
    ],
  },
  {
    key: "finance",
    icon: Wallet,
    href: "/finance/profit",
    children: [
      { key: "financeDashboard", href: "/finance/dashboard" },
      { key: "financeProfit", href: "/finance/profit" },
      { key: "financeCosts", href: "/finance/costs" },
      { key: "financeRates", href: "/finance/rates" },
      { key: "financeReceivables", href: "/finance/receivables" },
      { key: "financeSettlements", href: "/finance/settlements" },
    ],
  },
  { key: "account", icon: UserCog, href: "/account" },
];
