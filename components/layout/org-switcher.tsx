"use client";

import { useQueryClient } from "@tanstack/react-query";
import { Building2, Check, ChevronsUpDown } from "lucide-react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useTransition } from "react";
import { switchOrgAction } from "@/app/actions";
import { Button } from "@/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";

export function OrgSwitcher({ current, orgs }: { current: { id: string; name: string }; orgs: { id: string; name: string; role: string }[] }) {
  const t = useTranslations();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [pending, start] = useTransition();
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="outline" size="sm" disabled={pending} data-testid="org-switcher">
          <Building2 />
          <span className="max-w-40 truncate">{current.name}</span>
          <ChevronsUpDown className="opacity-50" />
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="start">
        <DropdownMenuLabel>{t("nav.switchMerchant")}</DropdownMenuLabel>
        {orgs.map((o) => (
          <DropdownMenuItem
            key={o.id}
            onSelect={() =>
              start(async () => {
                const res = await switchOrgAction(o.id);
                if (res.ok) {
                  queryClient.clear();
                  router.push("/");
                  router.refresh();
                }
              })
            }
          >
            {o.id === current.id ? <Check /> : <span className="size-4" />}
            <span className="flex-1">{o.name}</span>
            <span className="text-xs text-muted-foreground">{t(`roles.${o.role}` as "roles.owner")}</span>
          </DropdownMenuItem>
        ))}
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
