"use client";

import { Search, X } from "lucide-react";
import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { cn } from "@/lib/utils";
import { useDebounced } from "./use-debounced";
import type { EnabledFilter } from "./use-list-params";

/**
 * The row above a list: a search box (applied 300 ms after typing stops, or on Enter), the list's
 * filter controls, Reset while any filter is set, and the page's actions on the right.
 */
export function ListToolbar({
  search,
  onSearch,
  searchPlaceholder,
  searchTestId = "list-search",
  searchClassName,
  enabled,
  onEnabledChange,
  filters,
  dirty,
  onReset,
  actions,
}: {
  /** The applied search text (from the URL); the box follows it when it changes from outside. */
  search?: string;
  onSearch?: (q: string) => void;
  searchPlaceholder?: string;
  searchTestId?: string;
  searchClassName?: string;
  /** The enabled/disabled filter of lists of things that can be switched off. */
  enabled?: EnabledFilter;
  onEnabledChange?: (v: EnabledFilter) => void;
  /** The list's filter controls, after the search box. */
  filters?: React.ReactNode;
  dirty?: boolean;
  onReset?: () => void;
  actions?: React.ReactNode;
}) {
  const t = useTranslations("common");
  return (
    <div className="mb-3 flex flex-wrap items-center gap-2" role="search">
      {onSearch ? (
        <SearchBox
          value={search ?? ""}
          onSearch={onSearch}
          placeholder={searchPlaceholder ?? t("search")}
          testId={searchTestId}
          className={searchClassName}
        />
      ) : null}
      {onEnabledChange ? <EnabledFilterSelect value={enabled} onChange={onEnabledChange} /> : null}
      {filters}
      {onReset && dirty ? (
        <Button variant="ghost" size="sm" onClick={() => onReset()}>
          <X />
          {t("reset")}
        </Button>
      ) : null}
      <div className="flex-1" />
      {actions ? <div className="flex flex-wrap items-center gap-2">{actions}</div> : null}
    </div>
  );
}

function SearchBox({
  value,
  onSearch,
  placeholder,
  testId,
  className,
}: {
  value: string;
  onSearch: (q: string) => void;
  placeholder: string;
  testId: string;
  className?: string;
}) {
  const t = useTranslations("common");
  const [text, setText, flush] = useDebounced(value, onSearch);
  return (
    <div className={cn("relative w-full max-w-xs", className)}>
      <Search className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-muted-foreground" />
      <Input
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => e.key === "Enter" && flush()}
        placeholder={placeholder}
        aria-label={t("search")}
        className="pl-8"
        data-testid={testId}
      />
    </div>
  );
}

/** All / enabled / disabled, for lists of things that can be switched off. */
function EnabledFilterSelect({
  value,
  onChange,
}: {
  value: EnabledFilter;
  onChange: (v: EnabledFilter) => void;
}) {
  const t = useTranslations("common");
  return (
    <NativeSelect
      className="w-32"
      aria-label={t("status")}
      value={value === undefined ? "" : String(value)}
      onChange={(e) => onChange(e.target.value === "" ? undefined : e.target.value === "true")}
      data-testid="list-enabled-filter"
    >
      <option value="">{t("allStatuses")}</option>
      <option value="true">{t("enabled")}</option>
      <option value="false">{t("disabled")}</option>
    </NativeSelect>
  );
}

/** One-of filter as a select: "all" (empty) or one value. */
export function OneOfSelect<V extends string>({
  value,
  values,
  label,
  allLabel,
  onChange,
  className = "w-32",
  ariaLabel,
  testId,
}: {
  value: V | undefined;
  values: readonly V[];
  label: (v: V) => string;
  allLabel: string;
  onChange: (v: V | undefined) => void;
  className?: string;
  ariaLabel?: string;
  testId?: string;
}) {
  return (
    <NativeSelect
      className={className}
      aria-label={ariaLabel ?? allLabel}
      value={value ?? ""}
      onChange={(e) => onChange((e.target.value || undefined) as V | undefined)}
      data-testid={testId}
    >
      <option value="">{allLabel}</option>
      {values.map((v) => (
        <option key={v} value={v}>
          {label(v)}
        </option>
      ))}
    </NativeSelect>
  );
}
