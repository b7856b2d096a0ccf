import { ChevronLeft } from "lucide-react";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/layout/page-header";
import { MappingEditor } from "@/components/production/mapping-editor";
import { can } from "@/lib/permissions";
import { requirePageContext } from "@/server/auth/page-context";
import { DomainError } from "@/server/errors";
import { listProgrammes } from "@/server/services/production/programmes";
import { getRoute } from "@/server/services/production/routes";

export async function generateMetadata() {
  const t = await getTranslations("production");
  return { title: t("mappingTitle") };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function RouteMappingPage({ params, searchParams }: { params: Promise<{ routeId: string }>; searchParams: Promise<{ programme?: string }> }) {
  const [{ routeId }, { programme }] = await Promise.all([params, searchParams]);
  const { svc } = await requirePageContext();
  if (!UUID.test(routeId)) notFound();
  try {
    await getRoute(svc, routeId);
  } catch (e) {
    if (e instanceof DomainError && e.code === "NOT_FOUND") notFound();
    throw e;
  }
  const [t, programmes] = await Promise.all([getTranslations("production"), listProgrammes(svc)]);
  const current = programmes.find((p) => p.id === programme) ?? programmes[0];
  if (!current) notFound();
  return (
    <>
      <Link href="/production/mapping" className="mb-3 inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground">
        <ChevronLeft className="size-4" />
        {t("mappingTitle")}
      </Link>
      <PageHeader title={t("mappingTitle")} description={t("mappingHelp", { programme: current.name })} />
      {programmes.length > 1 ? (
        <nav className="mb-3 flex gap-2 text-sm" aria-label={t("programme")}>
          {programmes.map((p) => (
            <Link key={p.id} href={`/production/mapping/${routeId}?programme=${p.id}`} className={p.id === current.id ? "font-semibold" : "text-muted-foreground"}>
              {p.name}
            </Link>
          ))}
        </nav>
      ) : null}
      <MappingEditor routeId={routeId} programmeId={current.id} canWrite={can(svc.role, "production.write")} />
    </>
  );
}
