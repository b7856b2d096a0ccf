"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ArrowDown, ArrowUp, Copy, Lock, Plus, Trash2, X } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";
import { Field, FormAlert } from "@/components/forms/field";
import { useZodMessage } from "@/components/forms/use-zod-message";
import { StatusBadge } from "@/components/data-table/enabled-switch";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { Textarea } from "@/components/ui/textarea";
import { applyFieldErrors, appErrorOf } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import { RouteCopyInput, RouteInput } from "@/lib/validators/production";
import type { getRoute } from "@/server/services/production/routes";

/** The route as the page loaded it on the server (getRoute). */
type Route = Awaited<ReturnType<typeof getRoute>>;
type Step = { operationId: string; code: string; name: string; hasReports: boolean; enabled: boolean };
type Product = { id: string; sku: string; name: string };

const HeaderInput = RouteInput.pick({ code: true, name: true, description: true });
type HeaderValues = z.input<typeof HeaderInput>;
const FIELDS = ["code", "name", "description", "operationIds", "productIds"] as const;

/**
 * Create or edit a route: code, name, the operations in production order (add, reorder, remove — an
 * operation that work reports point at is locked), and the products it is assigned to.
 */
export function RouteForm({ route, canWrite }: { route: Route | null; canWrite: boolean }) {
  const t = useTranslations();
  const msg = useZodMessage();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [steps, setSteps] = useState<Step[]>(() => route?.steps.map((s) => ({ ...s })) ?? []);
  const [products, setProducts] = useState<Product[]>(() => route?.products ?? []);
  const [listError, setListError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [copyOpen, setCopyOpen] = useState(false);
  const form = useForm<HeaderValues>({
    resolver: zodResolver(HeaderInput, undefined, { raw: true }),
    defaultValues: { code: route?.code ?? "", name: route?.name ?? "", description: route?.description ?? "" },
  });
  const { errors } = form.formState;

  const onSuccess = async (saved: { id: string }) => {
    await queryClient.invalidateQueries({ queryKey: trpc.production.routes.pathKey() });
    toast.success(t("production.routeSaved"));
    if (!route) router.push(`/production/routes/${saved.id}`);
    else router.refresh();
  };
  const onError = (err: unknown) => {
    // Errors about the operation or product lists go under the list; the rest next to their fields.
    const { fieldErrors } = appErrorOf(err);
    setListError(Object.entries(fieldErrors).find(([k]) => k.startsWith("operationIds") || k.startsWith("productIds"))?.[1] ?? null);
    setFormError(applyFieldErrors(err, form.setError, FIELDS));
  };
  const create = useMutation(trpc.production.routes.create.mutationOptions({ onSuccess, onError }));
  const update = useMutation(trpc.production.routes.update.mutationOptions({ onSuccess, onError }));
  const setEnabled = useMutation(
    trpc.production.routes.setEnabled.mutationOptions({
      onSuccess: () => (queryClient.invalidateQueries({ queryKey: trpc.production.routes.pathKey() }), router.refresh()),
      onError: (e) => toast.error(appErrorOf(e).message),
    }),
  );
  const pending = create.isPending || update.isPending;

  const onSubmit = form.handleSubmit((v) => {
    setFormError(null);
    setListError(null);
    if (steps.length === 0) return setListError(t("errors.routeNeedsOperations"));
    const input = { ...v, operationIds: steps.map((s) => s.operationId), productIds: products.map((p) => p.id) };
    if (route) update.mutate({ ...input, id: route.id, version: route.version });
    else create.mutate(input);
  });

  const move = (i: number, d: -1 | 1) =>
    setSteps((s) => {
      const n = [...s];
      const [x] = n.splice(i, 1);
      n.splice(i + d, 0, x!);
      return n;
    });

  return (
    <div className="grid gap-4">
      <form onSubmit={onSubmit} className="grid gap-4" noValidate data-testid="route-form">
        <FormAlert message={formError} />
        <Card>
          <CardHeader className="flex flex-row flex-wrap items-center gap-2">
            <CardTitle className="flex-1">{route ? t("production.editRoute") : t("production.newRoute")}</CardTitle>
            {route ? (
              <>
                <StatusBadge enabled={route.enabled} />
                <span className="text-xs text-muted-foreground">{t("production.planCount", { count: route.planCount })}</span>
                <Button asChild type="button" size="sm" variant="outline">
                  <Link href={`/production/mapping/${route.id}`}>{t("production.mapRoute")}</Link>
                </Button>
                {canWrite ? (
                  <>
                    <Button type="button" size="sm" variant="outline" onClick={() => setCopyOpen(true)} data-testid="route-copy">
                      <Copy />
                      {t("common.copy")}
                    </Button>
                    <Button type="button" size="sm" variant="outline" disabled={setEnabled.isPending} onClick={() => setEnabled.mutate({ id: route.id, enabled: !route.enabled })}>
                      {route.enabled ? t("common.disable") : t("common.enable")}
                    </Button>
                  </>
                ) : null}
              </>
            ) : null}
          </CardHeader>
          <CardContent className="grid gap-4 sm:grid-cols-2">
            <Field label={t("fields.code")} htmlFor="route-code" error={msg(errors.code, "code")} required>
              <Input id="route-code" className="font-mono" autoComplete="off" disabled={!canWrite} {...form.register("code")} aria-invalid={!!errors.code} />
            </Field>
            <Field label={t("fields.name")} htmlFor="route-name" error={msg(errors.name, "name")} required>
              <Input id="route-name" disabled={!canWrite} {...form.register("name")} aria-invalid={!!errors.name} />
            </Field>
            <Field label={t("fields.remark")} htmlFor="route-description" error={msg(errors.description, "description")} className="sm:col-span-2">
              <Textarea id="route-description" rows={2} disabled={!canWrite} {...form.register("description")} />
            </Field>
          </CardContent>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>{t("production.routeOperations")}</CardTitle>
          </CardHeader>
          <CardContent className="grid gap-3">
            <ol className="grid gap-1.5" data-testid="route-steps">
              {steps.map((s, i) => (
                <li key={s.operationId} className="flex items-center gap-2 rounded-md border px-3 py-2" data-operation={s.code}>
                  <span className="w-6 text-right text-xs tabular-nums text-muted-foreground">{i + 1}</span>
                  <span className="font-mono text-xs">{s.code}</span>
                  <span className="flex-1 text-sm">{s.name}</span>
                  {!s.enabled ? <Badge variant="secondary">{t("common.disabled")}</Badge> : null}
                  {s.hasReports ? (
                    <span title={t("production.hasReports")} className="text-muted-foreground">
                      <Lock className="size-4" aria-label={t("production.hasReports")} />
                    </span>
                  ) : null}
                  {canWrite ? (
                    <>
                      <Button type="button" size="sm" variant="ghost" disabled={i === 0} onClick={() => move(i, -1)} aria-label={t("production.moveUp")}>
                        <ArrowUp />
                      </Button>
                      <Button type="button" size="sm" variant="ghost" disabled={i === steps.length - 1} onClick={() => move(i, 1)} aria-label={t("production.moveDown")}>
                        <ArrowDown />
                      </Button>
                      <Button
                        type="button"
                        size="sm"
                        variant="ghost"
                        disabled={s.hasReports}
                        title={s.hasReports ? t("production.hasReports") : undefined}
                        onClick={() => setSteps((x) => x.filter((y) => y.operationId !== s.operationId))}
                        aria-label={`${t("common.remove")} ${s.code}`}
                      >
                        <Trash2 />
                      </Button>
                    </>
                  ) : null}
                </li>
              ))}
            </ol>
            {listError ? (
              <p role="alert" className="text-xs text-destructive" data-field-error="operationIds">
                {listError}
              </p>
            ) : null}
            {canWrite ? <OperationPicker exclude={new Set(steps.map((s) => s.operationId))} onPick={(op) => setSteps((x) => [...x, op])} /> : null}
          </CardContent>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>{t("production.routeProducts")}</CardTitle>
          </CardHeader>
          <CardContent className="grid gap-3">
            <div className="flex flex-wrap gap-2" data-testid="route-products">
              {products.length === 0 ? <span className="text-sm text-muted-foreground">{t("production.noProducts")}</span> : null}
              {products.map((p) => (
                <Badge key={p.id} variant="outline" className="gap-1 py-1">
                  <span className="font-mono">{p.sku}</span> {p.name}
                  {canWrite ? (
                    <button type="button" onClick={() => setProducts((x) => x.filter((y) => y.id !== p.id))} aria-label={`${t("common.remove")} ${p.sku}`}>
                      <X className="size-3" />
                    </button>
                  ) : null}
                </Badge>
              ))}
            </div>
            {canWrite ? <ProductPicker exclude={new Set(products.map((p) => p.id))} onPick={(p) => setProducts((x) => [...x, p])} /> : null}
          </CardContent>
        </Card>

        {canWrite ? (
          <div className="flex justify-end gap-2">
            <Button asChild type="button" variant="outline">
              <Link href="/production/routes">{t("common.cancel")}</Link>
            </Button>
            <Button type="submit" disabled={pending} data-testid="route-save">
              {pending ? t("common.saving") : t("common.save")}
            </Button>
          </div>
        ) : null}
      </form>
      {route ? <CopyRouteDialog open={copyOpen} onOpenChange={setCopyOpen} route={route} /> : null}
    </div>
  );
}

function OperationPicker({ exclude, onPick }: { exclude: Set<string>; onPick: (s: Step) => void }) {
  const t = useTranslations("production");
  const trpc = useTRPC();
  const [search, setSearch] = useState("");
  const [debounced, setDebounced] = useState("");
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(search.trim()), 250);
    return () => clearTimeout(timer);
  }, [search]);
  const ops = useQuery(trpc.production.operations.list.queryOptions({ enabled: true, search: debounced || undefined, limit: 100, sort: "code", dir: "asc" }));
  const options = (ops.data?.items ?? []).filter((o) => !exclude.has(o.id));
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Input className="w-48" value={search} onChange={(e) => setSearch(e.target.value)} placeholder={t("operationsSearch")} aria-label={t("operationsSearch")} />
      <NativeSelect
        className="w-72"
        value=""
        aria-label={t("addOperation")}
        data-testid="route-add-operation"
        onChange={(e) => {
          const op = options.find((o) => o.id === e.target.value);
          if (op) onPick({ operationId: op.id, code: op.code, name: op.name, hasReports: false, enabled: op.enabled });
        }}
      >
        <option value="">{t("chooseOperation")}</option>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.code} · {o.name}
          </option>
        ))}
      </NativeSelect>
      <Button asChild type="button" size="sm" variant="ghost">
        <Link href="/production/operations" target="_blank">
          <Plus />
          {t("newOperation")}
        </Link>
      </Button>
    </div>
  );
}

function ProductPicker({ exclude, onPick }: { exclude: Set<string>; onPick: (p: Product) => void }) {
  const t = useTranslations("production");
  const trpc = useTRPC();
  const [search, setSearch] = useState("");
  const [debounced, setDebounced] = useState("");
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(search.trim()), 250);
    return () => clearTimeout(timer);
  }, [search]);
  const found = useQuery({ ...trpc.products.list.queryOptions({ search: debounced, enabled: true, limit: 10, sort: "sku", dir: "asc" }), enabled: debounced.length > 0 });
  return (
    <div className="grid gap-2">
      <Input className="max-w-xs" value={search} onChange={(e) => setSearch(e.target.value)} placeholder={t("productSearch")} aria-label={t("addProduct")} data-testid="route-product-search" />
      {debounced ? (
        <div className="flex flex-wrap gap-1.5">
          {(found.data?.items ?? [])
            .filter((p) => !exclude.has(p.id))
            .map((p) => (
              <Button key={p.id} type="button" size="sm" variant="outline" onClick={() => (onPick({ id: p.id, sku: p.sku, name: p.name }), setSearch(""))} data-sku={p.sku}>
                <Plus />
                <span className="font-mono">{p.sku}</span> {p.name}
              </Button>
            ))}
        </div>
      ) : null}
    </div>
  );
}

function CopyRouteDialog({ open, onOpenChange, route }: { open: boolean; onOpenChange: (o: boolean) => void; route: Route }) {
  const t = useTranslations();
  const msg = useZodMessage();
  const trpc = useTRPC();
  const router = useRouter();
  const Values = RouteCopyInput.omit({ id: true });
  const form = useForm<z.input<typeof Values>>({ resolver: zodResolver(Values), defaultValues: { code: `${route.code}-2`, name: route.name } });
  const [formError, setFormError] = useState<string | null>(null);
  const copy = useMutation(
    trpc.production.routes.copy.mutationOptions({
      onSuccess: (r) => (onOpenChange(false), toast.success(t("production.routeSaved")), router.push(`/production/routes/${r.id}`)),
      onError: (e) => setFormError(applyFieldErrors(e, form.setError, ["code", "name"])),
    }),
  );
  const { errors } = form.formState;
  return (
    <Dialog open={open} onOpenChange={(o) => !copy.isPending && onOpenChange(o)}>
      <DialogContent className="sm:max-w-md" data-testid="route-copy-dialog">
        <DialogHeader>
          <DialogTitle>{t("production.copyRoute")}</DialogTitle>
          <DialogDescription>{t("production.copyRouteHelp")}</DialogDescription>
        </DialogHeader>
        <form onSubmit={form.handleSubmit((v) => (setFormError(null), copy.mutate({ ...v, id: route.id })))} className="grid gap-4" noValidate>
          <FormAlert message={formError} />
          <Field label={t("fields.code")} htmlFor="copy-code" error={msg(errors.code, "code")} required>
            <Input id="copy-code" className="font-mono" {...form.register("code")} aria-invalid={!!errors.code} />
          </Field>
          <Field label={t("fields.name")} htmlFor="copy-name" error={msg(errors.name, "name")} required>
            <Input id="copy-name" {...form.register("name")} aria-invalid={!!errors.name} />
          </Field>
          <DialogFooter>
            <Button type="button" variant="outline" onClick={() => onOpenChange(false)}>
              {t("common.cancel")}
            </Button>
            <Button type="submit" disabled={copy.isPending} data-testid="route-copy-confirm">
              {t("common.copy")}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
