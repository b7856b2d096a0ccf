"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";
import { cn } from "@/lib/utils";
import { NAV } from "./nav-config";

export function Sidebar() {
  const t = useTranslations("nav");
  const pathname = usePathname();
  const isActive = (href: string) => (href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(href + "/"));
  return (
    <nav className="flex flex-col gap-0.5 p-2 text-sm" aria-label="main">
      {NAV.map((item) => {
        const Icon = item.icon;
        const activeSection =
          (item.href && isActive(item.href)) || item.children?.some((c) => isActive(c.href));
        if (!item.href) {
          return (
            <span
              key={item.key}
              className="flex cursor-not-allowed items-center gap-2 rounded-md px-3 py-2 text-sidebar-foreground/40"
              title={t("comingSoon")}
              aria-disabled
            >
              <Icon className="size-4" />
              {t(item.key)}
            </span>
          );
        }
        return (
          <div key={item.key}>
            <Link
              href={item.href}
              className={cn(
                "flex items-center gap-2 rounded-md px-3 py-2 text-sidebar-foreground/85 hover:bg-sidebar-accent hover:text-sidebar-foreground",
                activeSection && "bg-sidebar-accent text-sidebar-foreground",
              )}
            >
              <Icon className="size-4" />
              {t(item.key)}
            </Link>
            {item.children && activeSection ? (
              <div className="my-1 ml-6 flex flex-col gap-0.5 border-l border-sidebar-foreground/15 pl-2">
                {item.children.map((c) => (
                  <Link
                    key={c.href}
                    href={c.href}
                    className={cn(
                      "rounded px-2 py-1 text-sidebar-foreground/70 hover:text-sidebar-foreground",
                      isActive(c.href) && "font-medium text-sidebar-foreground",
                    )}
                  >
                    {t(c.key)}
                  </Link>
                ))}
              </div>
            ) : null}
          </div>
        );
      })}
    </nav>
  );
}
