"use client";

import { Search, X } from "lucide-react";
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import type { EnabledFilter } from "./use-list-params";

/**
 * The row above a list: a search box (applied 300 ms after typing stops, or on Enter), an
 * enabled/disabled filter, extra filters, and the page's actions on the right.
 */
export function ListToolbar({
  search,
  onSearch,
  searchPlaceholder,
  enabled,
  onEnabledChange,
  filters,
  onReset,
  actions,
}: {
  search?: string;
  onSearch?: (q: string) => void;
  searchPlaceholder?: string;
  enabled?: EnabledFilter;
  onEnabledChange?: (v: EnabledFilter) => void;
  /** More filter controls, placed after the built-in ones. */
  filters?: React.ReactNode;
  onReset?: () => void;
  actions?: React.ReactNode;
}) {
  const t = useTranslations("common");
  const [text, setText] = useState(search ?? "");
  const lastSent = useRef(search ?? "");

  // Follow the URL when it changes from outside (reset, back button).
  useEffect(() => {
    if ((search ?? "") !== lastSent.current) {
      lastSent.current = search ?? "";
      setText(search ?? "");
    }
  }, [search]);

  useEffect(() => {
    if (!onSearch || text === lastSent.current) return;
    const timer = setTimeout(() => {
      lastSent.current = text;
      onSearch(text);
    }, 300);
    return () => clearTimeout(timer);
  }, [text, onSearch]);

  const dirty = !!search || enabled !== undefined;

  return (
    <div className="mb-3 flex flex-wrap items-center gap-2" role="search">
      {onSearch ? (
        <div className="relative w-full max-w-xs">
          <Search className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-muted-foreground" />
          <Input
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                lastSent.current = text;
                onSearch(text);
              }
            }}
            placeholder={searchPlaceholder ?? t("search")}
            aria-label={t("search")}
            className="pl-8"
            data-testid="list-search"
          />
        </div>
      ) : null}
      {onEnabledChange ? (
        <NativeSelect
          className="w-32"
          aria-label={t("status")}
          value={enabled === undefined ? "" : String(enabled)}
          onChange={(e) => onEnabledChange(e.target.value === "" ? undefined : e.target.value === "true")}
          data-testid="list-enabled-filter"
        >
          <option value="">{t("allStatuses")}</option>
          <option value="true">{t("enabled")}</option>
          <option value="false">{t("disabled")}</option>
        </NativeSelect>
      ) : null}
      {filters}
      {onReset && dirty ? (
        <Button variant="ghost" size="sm" onClick={onReset}>
          <X />
          {t("reset")}
        </Button>
      ) : null}
      <div className="flex-1" />
      {actions ? <div className="flex flex-wrap items-center gap-2">{actions}</div> : null}
    </div>
  );
}
