import { ChevronLeft } from "lucide-react";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { PlanDetail } from "@/components/production/plan-detail";
import { can } from "@/lib/permissions";
import { loadOrNotFound, requirePageContext } from "@/server/auth/page-context";
import { getPrecision } from "@/server/services/_lib/precision";
import { getPlan } from "@/server/services/production/plans";

export async function generateMetadata() {
  const t = await getTranslations("production");
  return { title: t("plansTitle") };
}

export default async function PlanPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { svc } = await requirePageContext();
  // Not the merchant's (or not a plan at all): a plain 404, never another merchant's data.
  await loadOrNotFound(id, (id) => getPlan(svc, id));
  const [precision, t] = await Promise.all([getPrecision(svc), getTranslations("production")]);
  return (
    <>
      <Link href="/production/plans" className="mb-3 inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground">
        <ChevronLeft className="size-4" />
        {t("plansTitle")}
      </Link>
      <PlanDetail planId={id} precision={precision} canWrite={can(svc.role, "production.write")} />
    </>
  );
}
