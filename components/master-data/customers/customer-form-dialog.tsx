"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { MapPin, Plus, Trash2 } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { Controller, useFieldArray, useForm, type FieldError } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";
import { Field } from "@/components/forms/field";
import { useZodMessage } from "@/components/forms/use-zod-message";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { Textarea } from "@/components/ui/textarea";
import { applyFieldErrors } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import { CustomerInput } from "@/lib/validators/catalog";
import type { AppRouter } from "@/server/api/root";
import { FormDialog } from "@/components/forms/form-dialog";
import { SwitchField } from "@/components/forms/switch-field";

type Outputs = inferRouterOutputs<AppRouter>;
export type CustomerRow = Outputs["customers"]["list"]["items"][number];
type CustomerDetail = Outputs["customers"]["byId"];
type Values = z.input<typeof CustomerInput>;
type AddressValues = NonNullable<Values["addresses"]>[number];

const FIELDS = ["clientNum", "companyName", "contactName", "contactPhone", "email", "remark", "enabled", "addresses"] as const;
type AddressField = "recipient" | "phone" | "country" | "province" | "city" | "district" | "street" | "postcode";

const emptyAddress = (isDefault: boolean): AddressValues => ({
  recipient: "",
  phone: "",
  country: "CN",
  province: "",
  city: "",
  district: "",
  street: "",
  postcode: "",
  isDefault,
});

function toValues(c: CustomerDetail | null): Values {
  return {
    clientNum: c?.clientNum ?? "",
    companyName: c?.companyName ?? "",
    contactName: c?.contactName ?? "",
    contactPhone: c?.contactPhone ?? "",
    email: c?.email ?? "",
    remark: c?.remark ?? "",
    enabled: c?.enabled ?? true,
    addresses: (c?.addresses ?? []).map((a) => ({
      id: a.id,
      recipient: a.recipient,
      phone: a.phone,
      country: a.country,
      province: a.province,
      city: a.city,
      district: a.district,
      street: a.street,
      postcode: a.postcode,
      isDefault: a.isDefault,
    })),
  };
}

/** Create or edit a customer with its address book (several addresses, exactly one default). */
export function CustomerFormDialog({
  customerId,
  open,
  onOpenChange,
}: {
  /** null = a new customer */
  customerId: string | null;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const t = useTranslations();
  const trpc = useTRPC();
  const detail = useQuery({ ...trpc.customers.byId.queryOptions({ id: customerId ?? "" }), enabled: open && !!customerId });
  const loading = !!customerId && !detail.data;
  return (
    <FormShell
      // A fresh form each time the dialog opens, filled once the address book has loaded (a background
      // refetch must not wipe what the user is typing, so the key ignores later updates).
      key={`${open}:${customerId ?? "new"}:${loading ? "loading" : "ready"}`}
      customer={customerId ? (detail.data ?? null) : null}
      loading={loading}
      open={open}
      onOpenChange={onOpenChange}
      title={customerId ? t("masterData.editCustomer") : t("masterData.newCustomer")}
    />
  );
}

function FormShell({
  customer,
  loading,
  open,
  onOpenChange,
  title,
}: {
  customer: CustomerDetail | null;
  loading: boolean;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
}) {
  const t = useTranslations();
  const msg = useZodMessage();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<Values>({
    resolver: zodResolver(CustomerInput, undefined, { raw: true }),
    defaultValues: toValues(customer),
  });
  const { errors } = form.formState;
  const addresses = useFieldArray({ control: form.control, name: "addresses" });

  const onSuccess = async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.customers.list.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.customers.byId.queryKey() }),
    ]);
    toast.success(t("common.saved"));
    onOpenChange(false);
  };
  const onError = (err: unknown) => setFormError(applyFieldErrors(err, form.setError, FIELDS));
  const create = useMutation(trpc.customers.create.mutationOptions({ onSuccess, onError }));
  const update = useMutation(trpc.customers.update.mutationOptions({ onSuccess, onError }));
  const pending = create.isPending || update.isPending;

  const onSubmit = form.handleSubmit((values) => {
    setFormError(null);
    if (customer) update.mutate({ ...values, id: customer.id });
    else create.mutate(values);
  });

  const makeDefault = (index: number) =>
    addresses.fields.forEach((_, j) => form.setValue(`addresses.${j}.isDefault`, j === index, { shouldDirty: true }));

  const removeAddress = (index: number) => {
    const wasDefault = form.getValues(`addresses.${index}.isDefault`);
    addresses.remove(index);
    if (wasDefault && form.getValues("addresses")?.length) form.setValue("addresses.0.isDefault", true, { shouldDirty: true });
  };

  const err = (f: (typeof FIELDS)[number]) => msg(errors[f] as FieldError | undefined, f);
  const addressListError = errors.addresses?.root?.message ?? errors.addresses?.message;

  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      title={title}
      onSubmit={onSubmit}
      pending={pending || loading}
      formError={formError}
      className="sm:max-w-3xl"
      testId="customer-form"
    >
      {loading ? (
        <div className="grid gap-3">
          <Skeleton className="h-9 w-full" />
          <Skeleton className="h-9 w-full" />
          <Skeleton className="h-24 w-full" />
        </div>
      ) : (
        <>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label={t("fields.clientNum")} htmlFor="clientNum" error={err("clientNum")} required>
              <Input id="clientNum" className="font-mono" autoComplete="off" {...form.register("clientNum")} aria-invalid={!!errors.clientNum} />
            </Field>
            <Field label={t("fields.companyName")} htmlFor="companyName" error={err("companyName")} required>
              <Input id="companyName" {...form.register("companyName")} aria-invalid={!!errors.companyName} />
            </Field>
            <Field label={t("fields.contactName")} htmlFor="contactName" error={err("contactName")}>
              <Input id="contactName" {...form.register("contactName")} aria-invalid={!!errors.contactName} />
            </Field>
            <Field label={t("fields.contactPhone")} htmlFor="contactPhone" error={err("contactPhone")}>
              <Input id="contactPhone" type="tel" {...form.register("contactPhone")} aria-invalid={!!errors.contactPhone} />
            </Field>
            <Field label={t("fields.email")} htmlFor="email" error={err("email")}>
              <Input id="email" type="email" {...form.register("email")} aria-invalid={!!errors.email} />
            </Field>
            <SwitchField control={form.control} name="enabled" label={t("fields.enabled")} error={err("enabled")} />
            <Field label={t("fields.remark")} htmlFor="remark" error={err("remark")} className="sm:col-span-2">
              <Textarea id="remark" rows={2} {...form.register("remark")} aria-invalid={!!errors.remark} />
            </Field>
          </div>

          <section className="grid gap-3" aria-labelledby="address-book">
            <div className="flex items-center justify-between">
              <h3 id="address-book" className="text-sm font-semibold">
                {t("masterData.addressBook")}
              </h3>
              <Button
                type="button"
                variant="outline"
                size="sm"
                onClick={() => addresses.append(emptyAddress(addresses.fields.length === 0))}
                data-testid="address-add"
              >
                <Plus />
                {t("masterData.addAddress")}
              </Button>
            </div>
            {addressListError ? (
              <p role="alert" className="text-xs text-destructive">
                {addressListError}
              </p>
            ) : null}
            {addresses.fields.length === 0 ? (
              <p className="rounded-md border border-dashed px-3 py-4 text-center text-sm text-muted-foreground">{t("masterData.noAddresses")}</p>
            ) : null}
            {addresses.fields.map((f, i) => {
              const aErr = errors.addresses?.[i];
              const aMsg = (name: AddressField) => msg(aErr?.[name], name);
              const id = (name: string) => `addresses.${i}.${name}`;
              return (
                <fieldset key={f.id} className="grid gap-3 rounded-lg border p-3" data-testid={`address-${i}`}>
                  <div className="flex items-center gap-2">
                    <MapPin className="size-4 text-muted-foreground" />
                    <legend className="text-sm font-medium">{t("masterData.address", { n: i + 1 })}</legend>
                    <div className="flex-1" />
                    <Controller
                      control={form.control}
                      name={`addresses.${i}.isDefault`}
                      render={({ field }) => (
                        <label className="flex items-center gap-1.5 text-sm">
                          <input
                            type="radio"
                            name="default-address"
                            checked={!!field.value}
                            onChange={() => makeDefault(i)}
                            className="size-4 accent-primary"
                            data-testid={`address-${i}-default`}
                          />
                          {t("masterData.makeDefault")}
                        </label>
                      )}
                    />
                    <Button type="button" variant="ghost" size="sm" aria-label={t("masterData.removeAddress")} onClick={() => removeAddress(i)}>
                      <Trash2 />
                    </Button>
                  </div>
                  <div className="grid gap-3 sm:grid-cols-4">
                    <Field label={t("fields.recipient")} htmlFor={id("recipient")} error={aMsg("recipient")} required className="sm:col-span-2">
                      <Input id={id("recipient")} {...form.register(`addresses.${i}.recipient`)} aria-invalid={!!aErr?.recipient} />
                    </Field>
                    <Field label={t("fields.phone")} htmlFor={id("phone")} error={aMsg("phone")} required className="sm:col-span-2">
                      <Input id={id("phone")} type="tel" {...form.register(`addresses.${i}.phone`)} aria-invalid={!!aErr?.phone} />
                    </Field>
                    <Field label={t("fields.country")} htmlFor={id("country")} error={aMsg("country")} required>
                      <Input id={id("country")} {...form.register(`addresses.${i}.country`)} aria-invalid={!!aErr?.country} />
                    </Field>
                    <Field label={t("fields.province")} htmlFor={id("province")} error={aMsg("province")}>
                      <Input id={id("province")} {...form.register(`addresses.${i}.province`)} aria-invalid={!!aErr?.province} />
                    </Field>
                    <Field label={t("fields.city")} htmlFor={id("city")} error={aMsg("city")}>
                      <Input id={id("city")} {...form.register(`addresses.${i}.city`)} aria-invalid={!!aErr?.city} />
                    </Field>
                    <Field label={t("fields.district")} htmlFor={id("district")} error={aMsg("district")}>
                      <Input id={id("district")} {...form.register(`addresses.${i}.district`)} aria-invalid={!!aErr?.district} />
                    </Field>
                    <Field label={t("fields.street")} htmlFor={id("street")} error={aMsg("street")} required className="sm:col-span-3">
                      <Input id={id("street")} {...form.register(`addresses.${i}.street`)} aria-invalid={!!aErr?.street} />
                    </Field>
                    <Field label={t("fields.postcode")} htmlFor={id("postcode")} error={aMsg("postcode")}>
                      <Input id={id("postcode")} {...form.register(`addresses.${i}.postcode`)} aria-invalid={!!aErr?.postcode} />
                    </Field>
                  </div>
                </fieldset>
              );
            })}
          </section>
        </>
      )}
    </FormDialog>
  );
}
