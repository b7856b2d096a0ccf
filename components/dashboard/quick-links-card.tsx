import { Boxes, KeyRound, Upload, UserPlus, Users } from "lucide-react";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { can, type Permission } from "@/lib/permissions";
import type { ServiceContext } from "@/server/context";

const LINKS: { key: "newProduct" | "importProducts" | "newCustomer" | "inviteMember" | "apiKeys"; href: string; icon: typeof Boxes; permission: Permission }[] = [
  { key: "newProduct", href: "/master-data/products", icon: Boxes, permission: "catalog.write" },
  { key: "importProducts", href: "/master-data/products", icon: Upload, permission: "catalog.write" },
  { key: "newCustomer", href: "/master-data/customers", icon: Users, permission: "customers.write" },
  { key: "inviteMember", href: "/account/members", icon: UserPlus, permission: "members.manage" },
  { key: "apiKeys", href: "/account/api-keys", icon: KeyRound, permission: "apikeys.manage" },
];

/** Shortcuts to what this role may do; nothing for a role that may do none of it. */
export async function QuickLinksCard({ svc }: { svc: ServiceContext }) {
  const links = LINKS.filter((l) => can(svc.role, l.permission));
  if (links.length === 0) return null;
  const t = await getTranslations("dashboard");
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("quickLinks")}</CardTitle>
      </CardHeader>
      <CardContent className="grid gap-1">
        {links.map((l) => (
          <Link key={l.key} href={l.href} className="flex items-center gap-2 rounded-md px-2 py-1.5 text-sm hover:bg-muted">
            <l.icon className="size-4 text-muted-foreground" />
            {t(l.key)}
          </Link>
        ))}
      </CardContent>
    </Card>
  );
}
