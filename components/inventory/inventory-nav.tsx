"use client";

import { useTranslations } from "next-intl";
import { SectionNav } from "./section-nav";

export function InventoryNav() {
  const t = useTranslations("inventory.sections");
  return (
    <SectionNav
      items={[
        { href: "/inventory", label: t("stock"), exact: true },
        { href: "/inventory/movements", label: t("movements") },
        { href: "/inventory/stocktakes", label: t("stocktakes") },
      ]}
    />
  );
}
