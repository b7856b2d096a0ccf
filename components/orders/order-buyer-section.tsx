"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useWatch, type UseFormReturn } from "react-hook-form";
import { decimalInputProps } from "@/components/forms/decimal";
import { Field } from "@/components/forms/field";
import { useZodMessage } from "@/components/forms/use-zod-message";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { useTRPC } from "@/lib/trpc/react";
import { CustomerPicker, type PickedCustomer } from "./customer-picker";
import { needsAddressFor, type AddressValues, type OrderFormValues } from "./order-form-schema";
import type { FormOptions } from "./order-form";

/** The typed address's inputs, in the order of a Chinese address label. */
const ADDRESS_FIELDS: { name: keyof AddressValues; required?: boolean; wide?: boolean }[] = [
  { name: "recipientName", required: true },
  { name: "recipientPhone", required: true },
  { name: "country" },
  { name: "province" },
  { name: "city" },
  { name: "district" },
  { name: "street", required: true, wide: true },
  { name: "postcode" },
];

/**
 * 买家与收货信息: the customer (picking one fills the buyer and its default address), delivery method
 * and warehouse, and — when the method ships — one of the customer's addresses or a typed one, and the
 * freight.
 */
export function OrderBuyerSection({
  form,
  options,
  initialCustomer,
}: {
  form: UseFormReturn<OrderFormValues>;
  options: FormOptions;
  initialCustomer?: PickedCustomer | null;
}) {
  const t = useTranslations();
  const msg = useZodMessage();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [customer, setCustomer] = useState<PickedCustomer | null>(initialCustomer ?? null);
  const { errors } = form.formState;
  const [deliveryMethod, addressMode, addressId] = useWatch({
    control: form.control,
    name: ["deliveryMethod", "addressMode", "addressId"],
  });
  const methods = options.deliveryMethods;
  const needsAddress = needsAddressFor(methods, deliveryMethod);

  const customerDetail = useQuery({ ...trpc.customers.byId.queryOptions({ id: customer?.id ?? "" }), enabled: !!customer });
  const addresses = customerDetail.data?.addresses ?? [];

  const pickCustomer = async (c: PickedCustomer | null) => {
    setCustomer(c);
    form.setValue("clientNum", c?.clientNum ?? "");
    form.clearErrors(["clientNum", "addressId", "address"]);
    if (!c) {
      form.setValue("addressMode", "type");
      form.setValue("addressId", null);
      return;
    }
    if (!form.getValues("buyerCompany")) form.setValue("buyerCompany", c.companyName);
    const detail = await queryClient.fetchQuery(trpc.customers.byId.queryOptions({ id: c.id })).catch(() => null);
    const list = detail?.addresses ?? [];
    const def = list.find((a) => a.isDefault) ?? list[0];
    form.setValue("addressMode", def ? "pick" : "type");
    form.setValue("addressId", def?.id ?? null);
  };

  return (
    <Card>
      <CardHeader>
        <CardTitle>{t("orders.section.buyer")}</CardTitle>
      </CardHeader>
      <CardContent className="grid gap-4 md:grid-cols-2">
        <Field label={t("orders.form.customer")} htmlFor="customer" error={msg(errors.clientNum, "clientNum")}>
          <CustomerPicker value={customer} onChange={(c) => void pickCustomer(c)} invalid={!!errors.clientNum} />
        </Field>
        <Field label={t("fields.buyerCompany")} htmlFor="buyerCompany" error={msg(errors.buyerCompany, "buyerCompany")}>
          <Input id="buyerCompany" {...form.register("buyerCompany")} aria-invalid={!!errors.buyerCompany} />
        </Field>
        <Field label={t("fields.deliveryMethod")} htmlFor="deliveryMethod" error={msg(errors.deliveryMethod, "deliveryMethod")}>
          <NativeSelect id="deliveryMethod" {...form.register("deliveryMethod")} aria-invalid={!!errors.deliveryMethod}>
            {methods.map((m) => (
              <option key={m.name} value={m.name}>
                {m.name}
              </option>
            ))}
          </NativeSelect>
        </Field>
        <Field label={t("orders.form.warehouse")} htmlFor="warehouseId" error={msg(errors.warehouseId, "warehouseId")}>
          <NativeSelect id="warehouseId" {...form.register("warehouseId")}>
            <option value="">{t("orders.form.autoWarehouse")}</option>
            {options.warehouses.map((w) => (
              <option key={w.id} value={w.id}>
                {w.code} {w.name}
              </option>
            ))}
          </NativeSelect>
        </Field>

        {needsAddress ? (
          <div className="grid gap-3 md:col-span-2">
            <div className="text-sm font-medium">{t("orders.form.address")}</div>
            {errors.address?.message || errors.addressId?.message ? (
              <p role="alert" className="text-xs text-destructive" data-field-error="address">
                {errors.address?.message ? msg(errors.address, "address") : msg(errors.addressId, "addressId")}
              </p>
            ) : null}
            {customer && addresses.length ? (
              <div className="grid gap-2" role="radiogroup" aria-label={t("orders.form.address")}>
                {addresses.map((a) => (
                  <label
                    key={a.id}
                    className="flex cursor-pointer items-start gap-2 rounded-md border px-3 py-2 text-sm has-[:checked]:border-primary"
                  >
                    <input
                      type="radio"
                      className="mt-1"
                      checked={addressMode === "pick" && addressId === a.id}
                      onChange={() => {
                        form.setValue("addressMode", "pick");
                        form.setValue("addressId", a.id);
                        form.clearErrors(["address", "addressId"]);
                      }}
                      data-testid={`address-${a.id}`}
                    />
                    <span>
                      <span className="font-medium">
                        {a.recipient} {a.phone}
                      </span>
                      {a.isDefault ? <span className="ml-2 rounded bg-muted px-1 text-xs">{t("orders.form.defaultTag")}</span> : null}
                      <span className="block text-muted-foreground">
                        {[a.country, a.province, a.city, a.district, a.street, a.postcode].filter(Boolean).join(" ")}
                      </span>
                    </span>
                  </label>
                ))}
                <label className="flex cursor-pointer items-center gap-2 rounded-md border px-3 py-2 text-sm has-[:checked]:border-primary">
                  <input
                    type="radio"
                    checked={addressMode === "type"}
                    onChange={() => form.setValue("addressMode", "type")}
                    data-testid="address-type"
                  />
                  {t("orders.form.typeAddress")}
                </label>
              </div>
            ) : null}
            {addressMode === "type" || !customer || addresses.length === 0 ? (
              <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
                {ADDRESS_FIELDS.map((f) => (
                  <Field
                    key={f.name}
                    label={t(`fields.${f.name}`)}
                    htmlFor={f.name}
                    error={msg(errors.address?.[f.name], f.name)}
                    required={f.required}
                    className={f.wide ? "sm:col-span-2" : undefined}
                  >
                    <Input id={f.name} {...form.register(`address.${f.name}`)} aria-invalid={!!errors.address?.[f.name]} />
                  </Field>
                ))}
              </div>
            ) : null}
            <Field label={t("fields.freight")} htmlFor="freight" error={msg(errors.freight, "freight")} className="max-w-48">
              <Input
                id="freight"
                className="text-right tabular-nums"
                {...decimalInputProps(options.precision.amountDecimals)}
                {...form.register("freight")}
                aria-invalid={!!errors.freight}
              />
            </Field>
          </div>
        ) : (
          <p className="text-sm text-muted-foreground md:col-span-2">{t("orders.form.pickupNoAddress")}</p>
        )}
      </CardContent>
    </Card>
  );
}
