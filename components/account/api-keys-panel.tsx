"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { KeyRound, Plus } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";
import { ConfirmDialog } from "@/components/forms/confirm-dialog";
import { CopyButton } from "@/components/forms/copy-button";
import { Field } from "@/components/forms/field";
import { useZodMessage } from "@/components/forms/use-zod-message";
import { FormDialog } from "@/components/forms/form-dialog";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { applyFieldErrors } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import { API_KEY_ROLES, CreateApiKeyInput } from "@/lib/validators/account";
import { useFormatDateTime } from "@/lib/i18n/date-time";



/** API 密钥: create (shown once), list with last use, revoke at once. */
export function ApiKeysPanel() {
  const fmtTime = useFormatDateTime();
  const t = useTranslations();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery(trpc.account.apiKeys.queryOptions());
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.account.apiKeys.queryKey() });
  const revoke = useMutation(trpc.account.revokeApiKey.mutationOptions({ onSuccess: () => invalidate() }));
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);

  return (
    <Card className="max-w-5xl">
      <CardHeader className="flex flex-row items-start justify-between gap-4">
        <div className="grid gap-1.5">
          <CardTitle>{t("account.apiKeys")}</CardTitle>
          <CardDescription>{t("account.apiKeysHelp")}</CardDescription>
        </div>
        <Button size="sm" onClick={() => setCreating(true)} data-testid="apikey-new">
          <Plus />
          {t("account.newKey")}
        </Button>
      </CardHeader>
      <CardContent>
        {!keys.data ? (
          <Skeleton className="h-24 w-full" />
        ) : keys.data.length === 0 ? (
          <p className="text-sm text-muted-foreground">{t("account.noKeys")}</p>
        ) : (
          <Table data-testid="apikeys-table">
            <TableHeader>
              <TableRow>
                <TableHead>{t("account.keyName")}</TableHead>
                <TableHead>{t("account.keyPrefix")}</TableHead>
                <TableHead>{t("account.role")}</TableHead>
                <TableHead>{t("common.createdAt")}</TableHead>
                <TableHead>{t("account.lastUsed")}</TableHead>
                <TableHead>{t("common.status")}</TableHead>
                <TableHead className="w-24" />
              </TableRow>
            </TableHeader>
            <TableBody>
              {keys.data.map((k) => (
                <TableRow key={k.id} className={k.revokedAt ? "text-muted-foreground" : undefined}>
                  <TableCell className="font-medium">{k.name}</TableCell>
                  <TableCell className="font-mono text-xs">{k.prefix}…</TableCell>
                  <TableCell>{t(`roles.${k.role}` as "roles.owner")}</TableCell>
                  <TableCell className="text-xs">{fmtTime(k.createdAt)}</TableCell>
                  <TableCell className="text-xs">{k.lastUsedAt ? fmtTime(k.lastUsedAt) : t("account.never")}</TableCell>
                  <TableCell>
                    {k.revokedAt ? (
                      <Badge variant="secondary" title={fmtTime(k.revokedAt) || undefined}>
                        {t("account.revoked")}
                      </Badge>
                    ) : (
                      <Badge variant="success">{t("account.active")}</Badge>
                    )}
                  </TableCell>
                  <TableCell>
                    {k.revokedAt ? null : (
                      <ConfirmDialog
                        trigger={
                          <Button variant="outline" size="sm" data-testid={`apikey-revoke-${k.prefix}`}>
                            {t("account.revoke")}
                          </Button>
                        }
                        title={t("account.revoke")}
                        description={t("account.confirmRevokeKey", { name: k.name })}
                        confirmLabel={t("account.revoke")}
                        onConfirm={async () => {
                          await revoke.mutateAsync({ id: k.id });
                          toast.success(t("account.keyRevoked"));
                        }}
                      />
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </CardContent>
      <CreateKeyDialog
        open={creating}
        onOpenChange={setCreating}
        onCreated={(k) => {
          setCreating(false);
          setCreated(k);
          void invalidate();
        }}
      />
      <Dialog open={!!created} onOpenChange={(o) => !o && setCreated(null)}>
        <DialogContent className="sm:max-w-xl" data-testid="apikey-created">
          <DialogHeader>
            <DialogTitle className="flex items-center gap-2">
              <KeyRound className="size-5" />
              {created?.name}
            </DialogTitle>
            <DialogDescription>{t("account.keyCreated")}</DialogDescription>
          </DialogHeader>
          <div className="flex gap-2">
            <Input readOnly value={created?.key ?? ""} className="font-mono text-xs" data-testid="apikey-value" onFocus={(e) => e.currentTarget.select()} />
            <CopyButton value={created?.key ?? ""} />
          </div>
          <p className="text-xs text-amber-700">{t("account.keyShownOnce")}</p>
          <DialogFooter>
            <Button onClick={() => setCreated(null)}>{t("account.done")}</Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>
    </Card>
  );
}

function CreateKeyDialog({
  open,
  onOpenChange,
  onCreated,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onCreated: (k: { name: string; key: string }) => void;
}) {
  const t = useTranslations();
  const msg = useZodMessage();
  const trpc = useTRPC();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<z.input<typeof CreateApiKeyInput>, unknown, z.output<typeof CreateApiKeyInput>>({
    resolver: zodResolver(CreateApiKeyInput),
    defaultValues: { name: "", role: "operator" },
  });
  const { errors } = form.formState;
  const create = useMutation(
    trpc.account.createApiKey.mutationOptions({
      onSuccess: (k) => {
        form.reset();
        onCreated({ name: k.name, key: k.key });
      },
      onError: (err) => setFormError(applyFieldErrors(err, form.setError, ["name", "role"])),
    }),
  );
  return (
    <FormDialog
      open={open}
      onOpenChange={(o) => {
        if (!o) {
          form.reset();
          setFormError(null);
        }
        onOpenChange(o);
      }}
      title={t("account.newKey")}
      onSubmit={form.handleSubmit((v) => {
        setFormError(null);
        create.mutate(v);
      })}
      pending={create.isPending}
      formError={formError}
      className="sm:max-w-md"
      testId="apikey-form"
    >
      <Field label={t("account.keyName")} htmlFor="key-name" error={msg(errors.name, "name")} required>
        <Input id="key-name" placeholder="ERP" {...form.register("name")} aria-invalid={!!errors.name} />
      </Field>
      <Field label={t("account.role")} htmlFor="key-role" error={msg(errors.role, "role")} hint={t("account.keyRoleHelp")}>
        <NativeSelect id="key-role" {...form.register("role")}>
          {API_KEY_ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`roles.${r}`)}
            </option>
          ))}
        </NativeSelect>
      </Field>
    </FormDialog>
  );
}
