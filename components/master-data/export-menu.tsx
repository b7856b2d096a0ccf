"use client";

import { Download } from "lucide-react";
import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuTrigger } from "@/components/ui/dropdown-menu";

/** Export the list as filtered now (same search and status) through `/api/export/<entity>`. */
export function ExportMenu({ entity, filters }: { entity: string; filters: { search?: string; enabled?: boolean } }) {
  const t = useTranslations("common");
  const href = (format: "csv" | "xlsx") => {
    const qs = new URLSearchParams({ format });
    if (filters.search) qs.set("search", filters.search);
    if (filters.enabled !== undefined) qs.set("enabled", String(filters.enabled));
    return `/api/export/${entity}?${qs}`;
  };
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="outline" size="sm" data-testid="export-menu">
          <Download />
          {t("export")}
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end">
        <DropdownMenuItem asChild>
          <a href={href("xlsx")} download data-testid="export-xlsx">
            {t("exportXlsx")}
          </a>
        </DropdownMenuItem>
        <DropdownMenuItem asChild>
          <a href={href("csv")} download data-testid="export-csv">
            {t("exportCsv")}
          </a>
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
