"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/lib/utils";

/** The sub-pages of a module (e.g. stock · movements · stocktakes) as a tab row of links. */
export function SectionNav({ items }: { items: { href: string; label: string; exact?: boolean }[] }) {
  const pathname = usePathname();
  return (
    <nav className="no-print mb-4 flex gap-1 border-b" aria-label="sections">
      {items.map((i) => {
        const active = i.exact
          ? pathname === i.href
          : pathname === i.href || pathname.startsWith(i.href + "/");
        return (
          <Link
            key={i.href}
            href={i.href}
            aria-current={active ? "page" : undefined}
            className={cn(
              "-mb-px border-b-2 px-3 py-2 text-sm text-muted-foreground hover:text-foreground",
              active ? "border-primary font-medium text-foreground" : "border-transparent",
            )}
          >
            {i.label}
          </Link>
        );
      })}
    </nav>
  );
}
