"use client";

import { useTranslations } from "next-intl";
import { SectionNav } from "@/components/inventory/section-nav";

export function OutboundNav() {
  const t = useTranslations("outbound.sections");
  return (
    <SectionNav
      items={[
        { href: "/outbound", label: t("orders"), exact: true },
        { href: "/outbound/pick-batches", label: t("batches") },
      ]}
    />
  );
}
