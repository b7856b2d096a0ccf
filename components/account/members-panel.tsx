"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link2, Trash2, UserPlus } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { ConfirmDialog } from "@/components/forms/confirm-dialog";
import { CopyButton } from "@/components/forms/copy-button";
import { Field, FormAlert } from "@/components/forms/field";
import { useZodMessage } from "@/components/forms/use-zod-message";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { ROLES, type Role } from "@/lib/permissions";
import { appErrorOf, applyFieldErrors } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import { InviteInput } from "@/lib/validators/auth";
import { useFormatDateTime } from "@/lib/i18n/date-time";


/** 成员: who belongs to the merchant with which role; owners invite, change roles and remove. */
export function MembersPanel({ myUserId, canManage, isOwner }: { myUserId: string; canManage: boolean; isOwner: boolean }) {
  const fmtTime = useFormatDateTime();
  const t = useTranslations();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const members = useQuery(trpc.account.members.queryOptions());
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.account.members.queryKey() });
  const changeRole = useMutation(
    trpc.account.changeRole.mutationOptions({
      onSuccess: () => {
        toast.success(t("account.roleChanged"));
        return invalidate();
      },
      onError: (e) => {
        toast.error(appErrorOf(e).message);
        return invalidate();
      },
    }),
  );
  const removeMember = useMutation(trpc.account.removeMember.mutationOptions({ onSuccess: () => invalidate() }));
  const revokeInvite = useMutation(trpc.account.revokeInvitation.mutationOptions({ onSuccess: () => invalidate() }));
  const roleLabel = (r: string) => t(`roles.${r}` as "roles.owner");
  const assignable = ROLES.filter((r) => r !== "owner" || isOwner);

  return (
    <div className="grid max-w-5xl gap-4">
      {canManage ? <InviteCard roles={assignable} onInvited={() => void invalidate()} /> : null}
      <Card>
        <CardHeader>
          <CardTitle>{t("account.members")}</CardTitle>
          <CardDescription>{canManage ? t("account.membersHelp") : t("account.noPermissionSection")}</CardDescription>
        </CardHeader>
        <CardContent>
          {!members.data ? (
            <Skeleton className="h-24 w-full" />
          ) : (
            <Table data-testid="members-table">
              <TableHeader>
                <TableRow>
                  <TableHead>{t("account.name")}</TableHead>
                  <TableHead>{t("account.email")}</TableHead>
                  <TableHead>{t("account.role")}</TableHead>
                  <TableHead>{t("account.joinedAt")}</TableHead>
                  {canManage ? <TableHead className="w-12" /> : null}
                </TableRow>
              </TableHeader>
              <TableBody>
                {members.data.members.map((m) => (
                  <TableRow key={m.userId}>
                    <TableCell className="font-medium">
                      {m.name} {m.userId === myUserId ? <span className="text-xs text-muted-foreground">{t("account.you")}</span> : null}
                    </TableCell>
                    <TableCell>{m.email}</TableCell>
                    <TableCell>
                      {canManage ? (
                        <NativeSelect
                          className="h-8 w-32"
                          aria-label={`${t("account.changeRole")} ${m.email}`}
                          value={m.role}
                          disabled={changeRole.isPending || (m.role === "owner" && !isOwner)}
                          onChange={(e) => changeRole.mutate({ userId: m.userId, role: e.target.value as Role })}
                        >
                          {(m.role === "owner" || isOwner ? ROLES : assignable).map((r) => (
                            <option key={r} value={r}>
                              {roleLabel(r)}
                            </option>
                          ))}
                        </NativeSelect>
                      ) : (
                        <Badge variant="outline">{roleLabel(m.role)}</Badge>
                      )}
                    </TableCell>
                    <TableCell className="text-xs text-muted-foreground">{fmtTime(m.joinedAt)}</TableCell>
                    {canManage ? (
                      <TableCell>
                        <ConfirmDialog
                          trigger={
                            <Button variant="ghost" size="sm" aria-label={`${t("account.removeMember")} ${m.email}`}>
                              <Trash2 />
                            </Button>
                          }
                          title={t("account.removeMember")}
                          description={t("account.confirmRemove", { name: m.name || m.email })}
                          confirmLabel={t("account.removeMember")}
                          onConfirm={async () => {
                            await removeMember.mutateAsync({ userId: m.userId });
                            toast.success(t("account.memberRemoved"));
                          }}
                        />
                      </TableCell>
                    ) : null}
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
      {canManage ? (
        <Card>
          <CardHeader>
            <CardTitle>{t("account.pendingInvites")}</CardTitle>
          </CardHeader>
          <CardContent>
            {members.data && members.data.pending.length === 0 ? (
              <p className="text-sm text-muted-foreground">{t("account.noPending")}</p>
            ) : (
              <Table data-testid="pending-invites">
                <TableHeader>
                  <TableRow>
                    <TableHead>{t("account.email")}</TableHead>
                    <TableHead>{t("account.role")}</TableHead>
                    <TableHead>{t("account.invitedAt")}</TableHead>
                    <TableHead>{t("account.expiresAt")}</TableHead>
                    <TableHead className="w-24" />
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {members.data?.pending.map((p) => (
                    <TableRow key={p.id}>
                      <TableCell>{p.email}</TableCell>
                      <TableCell>{roleLabel(p.role)}</TableCell>
                      <TableCell className="text-xs text-muted-foreground">{fmtTime(p.createdAt)}</TableCell>
                      <TableCell className="text-xs text-muted-foreground">{fmtTime(p.expiresAt)}</TableCell>
                      <TableCell>
                        <ConfirmDialog
                          trigger={
                            <Button variant="outline" size="sm">
                              {t("account.revoke")}
                            </Button>
                          }
                          title={t("account.revoke")}
                          description={t("account.confirmRevokeInvite", { email: p.email })}
                          confirmLabel={t("account.revoke")}
                          onConfirm={() => revokeInvite.mutateAsync({ id: p.id })}
                        />
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </CardContent>
        </Card>
      ) : null}
    </div>
  );
}

type InviteValues = { email: string; role: Role };

function InviteCard({ roles, onInvited }: { roles: readonly Role[]; onInvited: () => void }) {
  const t = useTranslations();
  const msg = useZodMessage();
  const trpc = useTRPC();
  const [formError, setFormError] = useState<string | null>(null);
  const [result, setResult] = useState<{ email: string; role: Role; link: string | null } | null>(null);
  const form = useForm<InviteValues>({ resolver: zodResolver(InviteInput), defaultValues: { email: "", role: "operator" } });
  const { errors } = form.formState;
  const invite = useMutation(
    trpc.account.invite.mutationOptions({
      onSuccess: (res, vars) => {
        const link = res.token ? `${window.location.origin}/sign-up?invite=${encodeURIComponent(res.token)}` : null;
        setResult({ email: vars.email, role: vars.role, link });
        if (!link) toast.success(t("account.inviteAdded", { email: vars.email }));
        form.reset({ email: "", role: vars.role });
        onInvited();
      },
      onError: (err) => setFormError(applyFieldErrors(err, form.setError, ["email", "role"])),
    }),
  );
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("account.invite")}</CardTitle>
        <CardDescription>{t("account.inviteHelp")}</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-3">
        <form
          noValidate
          className="flex flex-wrap items-start gap-3"
          onSubmit={form.handleSubmit((v) => {
            setFormError(null);
            setResult(null);
            invite.mutate(v);
          })}
        >
          <Field label={t("account.email")} htmlFor="invite-email" error={msg(errors.email, "email")} className="min-w-64 flex-1">
            <Input id="invite-email" type="email" autoComplete="off" {...form.register("email")} aria-invalid={!!errors.email} />
          </Field>
          <Field label={t("account.role")} htmlFor="invite-role" error={msg(errors.role, "role")} className="w-40">
            <NativeSelect id="invite-role" {...form.register("role")}>
              {roles.map((r) => (
                <option key={r} value={r}>
                  {t(`roles.${r}`)}
                </option>
              ))}
            </NativeSelect>
          </Field>
          <Button type="submit" className="mt-6" disabled={invite.isPending} data-testid="invite-submit">
            <UserPlus />
            {t("account.sendInvite")}
          </Button>
        </form>
        <FormAlert message={formError} />
        {result?.link ? (
          <div className="grid gap-2 rounded-md border border-sky-300 bg-sky-50 p-3 text-sm" data-testid="invite-link-box">
            <div className="flex items-center gap-2 font-medium">
              <Link2 className="size-4" />
              {t("account.inviteLink")}
            </div>
            <p className="text-muted-foreground">{t("account.inviteLinkHelp", { email: result.email, role: t(`roles.${result.role}`) })}</p>
            <div className="flex gap-2">
              <Input readOnly value={result.link} className="font-mono text-xs" data-testid="invite-link" onFocus={(e) => e.currentTarget.select()} />
              <CopyButton value={result.link} />
            </div>
          </div>
        ) : result ? (
          <p role="status" className="text-sm text-emerald-700" data-testid="invite-added">
            {t("account.inviteAdded", { email: result.email })}
          </p>
        ) : null}
      </CardContent>
    </Card>
  );
}
