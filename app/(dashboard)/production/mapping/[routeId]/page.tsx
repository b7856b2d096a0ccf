import { ChevronLeft } from "lucide-react";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/layout/page-header";
import { MappingEditor } from "@/components/production/mapping-editor";
import { can } from "@/lib/permissions";
import { loadOrNotFound, requirePageContext } from "@/server/auth/page-context";
import { listProgrammes } from "@/server/services/production/programmes";
import { getRoute } from "@/server/services/production/routes";

export async function generateMetadata() {
  const t = await getTranslations("production");
  return { title: t("mappingTitle") };
}

export default async function RouteMappingPage({ params, searchParams }: { params: Promise<{ routeId: string }>; searchParams: Promise<{ programme?: string }> }) {
  const [{ routeId }, { programme }] = await Promise.all([params, searchParams]);
  const { svc } = await requirePageContext();
  await loadOrNotFound(routeId, (id) => getRoute(svc, id));
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
