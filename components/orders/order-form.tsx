"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { Plus, Trash2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useEffect, useMemo, useRef, useState } from "react";
import { useFieldArray, useForm, useWatch, type FieldError } from "react-hook-form";
import { toast } from "sonner";
import { z } from "zod";
import { Field, FormAlert } from "@/components/forms/field";
import { decimalInputProps, useDecimalMessage } from "@/components/master-data/decimal";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { Textarea } from "@/components/ui/textarea";
import { checkDecimal, dec, roundTo, sumDecimals } from "@/lib/decimal";
import { LINE_TYPES, type LineType } from "@/lib/orders/status";
import { applyFieldErrors } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/react";
import type { CreateOrderInput } from "@/lib/validators/orders";
import type { AppRouter } from "@/server/api/root";
import { AttachmentUploader, type UploadedAttachment } from "./attachment-uploader";
import { CustomerPicker, type PickedCustomer } from "./customer-picker";
import { SpecialPriceBadge } from "./order-status-badge";
import { ProductPickerDialog, type PickedProduct } from "./product-picker-dialog";

export type FormOptions = inferRouterOutputs<AppRouter>["orders"]["formOptions"];

type LineValues = { sku: string; name: string; unit: string; quantity: string; unitPrice: string; lineType: LineType; remark: string };
type AddressValues = { recipientName: string; recipientPhone: string; country: string; province: string; city: string; district: string; street: string; postcode: string };

export type OrderFormValues = {
  clientNum: string;
  buyerCompany: string;
  addressMode: "pick" | "type";
  addressId: number | null;
  address: AddressValues;
  deliveryMethod: string;
  warehouseId: string;
  deliveryDate: string;
  freight: string;
  discountTotal: string;
  remark: string;
  agreementType: string;
  agreedTotalQty: string;
  processingType: string;
  agreedTotalAmount: string;
  lines: LineValues[];
  approveNow: boolean;
};

export const EMPTY_ADDRESS: AddressValues = { recipientName: "", recipientPhone: "", country: "CN", province: "", city: "", district: "", street: "", postcode: "" };

/** Fields the server may name in an error, placed next to their inputs. */
const SERVER_FIELDS = [
  "clientNum",
  "buyerCompany",
  "addressId",
  "address",
  "deliveryMethod",
  "warehouseId",
  "deliveryDate",
  "freight",
  "discountTotal",
  "remark",
  "agreementType",
  "agreedTotalQty",
  "processingType",
  "agreedTotalAmount",
  "lines",
] as const;

const str = z.string();
const line = z.object({ sku: str, name: str, unit: str, quantity: str, unitPrice: str, lineType: z.enum(LINE_TYPES), remark: str.max(500) });

function lineAmount(l: Pick<LineValues, "quantity" | "unitPrice">, scale: number): string | null {
  const q = checkDecimal(l.quantity, 4);
  const p = checkDecimal(l.unitPrice, 4);
  return q.ok && p.ok ? roundTo(dec(q.value).times(p.value), scale) : null;
}

/**
 * New order / edit order: buyer and shipping (a customer and one of its addresses, or typed), agreement
 * terms, products from the picker dialog edited in place with running totals, attachments, submit.
 * Every decimal is checked at the merchant's precision in place; the server checks again and its field
 * errors land next to the same inputs.
 */
export function OrderForm({
  options,
  canApprove,
  initial,
  initialCustomer,
  edit,
}: {
  options: FormOptions;
  canApprove: boolean;
  initial?: OrderFormValues;
  initialCustomer?: PickedCustomer | null;
  /** Editing a pending order (no attachments here: they are managed on the order page). */
  edit?: { orderId: string; version: number; orderNo: string };
}) {
  const t = useTranslations();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const decimalMessage = useDecimalMessage();
  const { precision } = options;
  const [customer, setCustomer] = useState<PickedCustomer | null>(initialCustomer ?? null);
  const [pickerOpen, setPickerOpen] = useState(false);
  const [attachments, setAttachments] = useState<UploadedAttachment[]>([]);
  const [formError, setFormError] = useState<string | null>(null);
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  // Marks the form interactive (tests and people typing into a server-rendered form before hydration).
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => formRef.current?.setAttribute("data-ready", ""), []);

  const methods = options.deliveryMethods;
  const defaultMethod = methods.find((m) => m.isDefault)?.name ?? methods[0]?.name ?? "";

  const schema = useMemo(() => {
    const decimal = (ctx: z.RefinementCtx, path: (string | number)[], value: string, kind: "amount" | "price" | "quantity", opts: { optional?: boolean; positive?: boolean } = {}) => {
      if (opts.optional && value.trim() === "") return;
      const scale = kind === "amount" ? precision.amountDecimals : kind === "price" ? precision.priceDecimals : precision.quantityDecimals;
      const field = String(path[path.length - 1]);
      const r = checkDecimal(value, scale);
      if (!r.ok) ctx.addIssue({ code: "custom", path, message: decimalMessage(r, field, scale) });
      else if (opts.positive && !(Number(r.value) > 0)) ctx.addIssue({ code: "custom", path, message: t("errors.mustBePositive", { fieldLabel: t(`fields.${field}` as never) }) });
    };
    const required = (ctx: z.RefinementCtx, path: (string | number)[], value: string) => {
      if (!value.trim()) ctx.addIssue({ code: "custom", path, message: t("errors.required", { fieldLabel: t(`fields.${String(path[path.length - 1])}` as never) }) });
    };
    return z
      .object({
        clientNum: str,
        buyerCompany: str.max(200),
        addressMode: z.enum(["pick", "type"]),
        addressId: z.number().nullable(),
        address: z.object({ recipientName: str, recipientPhone: str, country: str, province: str, city: str, district: str, street: str, postcode: str }),
        deliveryMethod: str,
        warehouseId: str,
        deliveryDate: str,
        freight: str,
        discountTotal: str,
        remark: str.max(1000),
        agreementType: str,
        agreedTotalQty: str,
        processingType: str,
        agreedTotalAmount: str,
        lines: z.array(line),
        approveNow: z.boolean(),
      })
      .superRefine((v, ctx) => {
        decimal(ctx, ["freight"], v.freight, "amount", { optional: true });
        decimal(ctx, ["discountTotal"], v.discountTotal, "amount", { optional: true });
        decimal(ctx, ["agreedTotalQty"], v.agreedTotalQty, "quantity", { optional: true });
        decimal(ctx, ["agreedTotalAmount"], v.agreedTotalAmount, "amount", { optional: true });
        if (v.lines.length === 0) ctx.addIssue({ code: "custom", path: ["lines"], message: t("errors.linesRequired") });
        v.lines.forEach((l, i) => {
          decimal(ctx, ["lines", i, "quantity"], l.quantity, "quantity", { positive: true });
          decimal(ctx, ["lines", i, "unitPrice"], l.unitPrice, "price");
        });
        const needsAddress = methods.find((m) => m.name === v.deliveryMethod)?.requiresAddress ?? true;
        if (needsAddress && (v.addressMode === "type" || !v.clientNum)) {
          required(ctx, ["address", "recipientName"], v.address.recipientName);
          required(ctx, ["address", "recipientPhone"], v.address.recipientPhone);
          required(ctx, ["address", "street"], v.address.street);
        }
        if (needsAddress && v.addressMode === "pick" && v.clientNum && !v.addressId) {
          ctx.addIssue({ code: "custom", path: ["addressId"], message: t("errors.addressRequired") });
        }
      });
  }, [precision, decimalMessage, methods, t]);

  const form = useForm<OrderFormValues>({
    resolver: zodResolver(schema),
    defaultValues: initial ?? {
      clientNum: "",
      buyerCompany: "",
      addressMode: "type",
      addressId: null,
      address: EMPTY_ADDRESS,
      deliveryMethod: defaultMethod,
      warehouseId: "",
      deliveryDate: "",
      freight: "",
      discountTotal: "",
      remark: "",
      agreementType: "",
      agreedTotalQty: "",
      processingType: "",
      agreedTotalAmount: "",
      lines: [],
      approveNow: false,
    },
  });
  const { errors } = form.formState;
  const lines = useFieldArray({ control: form.control, name: "lines" });
  const watched = useWatch({ control: form.control });
  const method = methods.find((m) => m.name === watched.deliveryMethod);
  const needsAddress = method?.requiresAddress ?? true;

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

  // Running totals (what the server will compute): buy lines count, gifts are free.
  const amounts = (watched.lines ?? []).map((l) => lineAmount({ quantity: l?.quantity ?? "", unitPrice: l?.unitPrice ?? "" }, precision.amountDecimals));
  const linesTotal = roundTo(
    sumDecimals((watched.lines ?? []).flatMap((l, i) => (l?.lineType === "gift" || !amounts[i] ? [] : [amounts[i]!]))),
    precision.amountDecimals,
  );
  const totalQty = sumDecimals((watched.lines ?? []).flatMap((l) => (checkDecimal(l?.quantity ?? "", 4).ok ? [l!.quantity!] : [])));
  const settlementInput = checkDecimal(watched.discountTotal ?? "", precision.amountDecimals);
  const settlement = watched.discountTotal && settlementInput.ok ? roundTo(settlementInput.value, precision.amountDecimals) : linesTotal;
  const freightInput = checkDecimal(watched.freight ?? "", precision.amountDecimals);
  const freight = needsAddress && watched.freight && freightInput.ok ? freightInput.value : "0";
  const special = !dec(settlement).eq(linesTotal);

  const onError = (err: unknown) => {
    setFormError(applyFieldErrors(err, form.setError, SERVER_FIELDS));
    window.scrollTo({ top: 0, behavior: "smooth" });
  };
  const create = useMutation(
    trpc.orders.create.mutationOptions({
      onSuccess: (r) => {
        toast.success(t("orders.done.created", { orderNo: r.orderNo }));
        router.push(`/orders/${r.id}`);
      },
      onError,
    }),
  );
  const update = useMutation(
    trpc.orders.update.mutationOptions({
      onSuccess: (r) => {
        toast.success(t("orders.done.saved"));
        router.push(`/orders/${r.id}`);
        router.refresh();
      },
      onError,
    }),
  );
  const pending = create.isPending || update.isPending;

  const onSubmit = form.handleSubmit(
    (v) => {
      setFormError(null);
      const typed = needsAddress && (v.addressMode === "type" || !v.clientNum);
      const content: Omit<CreateOrderInput, "status" | "source"> = {
        clientNum: v.clientNum || null,
        buyerCompany: v.buyerCompany,
        addressId: needsAddress && !typed ? v.addressId : null,
        address: typed ? v.address : null,
        deliveryMethod: v.deliveryMethod || null,
        warehouseId: v.warehouseId || null,
        deliveryDate: v.deliveryDate || null,
        freight: v.freight || null,
        discountTotal: v.discountTotal || null,
        remark: v.remark,
        agreementType: v.agreementType || null,
        agreedTotalQty: v.agreedTotalQty || null,
        processingType: v.processingType || null,
        agreedTotalAmount: v.agreedTotalAmount || null,
        lines: v.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice, lineType: l.lineType, remark: l.remark })),
      };
      if (edit) update.mutate({ ...content, orderId: edit.orderId, version: edit.version });
      else create.mutate({ ...content, status: v.approveNow ? "stock_up" : "pending", attachmentIds: attachments.map((a) => a.id), idempotencyKey });
    },
    () => setFormError(null),
  );

  const addPicked = (picked: PickedProduct[]) => {
    lines.append(picked.map((p) => ({ sku: p.sku, name: p.name, unit: p.unit, quantity: p.quantity, unitPrice: p.unitPrice, lineType: "buy" as const, remark: "" })));
    form.clearErrors("lines");
  };

  const msg = (e: FieldError | undefined) => e?.message;
  const addrErr = (k: keyof AddressValues) => msg(errors.address?.[k]);

  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-4" data-testid="order-form" ref={formRef}>
      <FormAlert message={formError} />

      <Card>
        <CardHeader>
          <CardTitle>{t("orders.section.buyer")}</CardTitle>
        </CardHeader>
        <CardContent className="grid gap-4 md:grid-cols-2">
          <Field label={t("orders.form.customer")} htmlFor="customer" error={msg(errors.clientNum)}>
            <CustomerPicker value={customer} onChange={(c) => void pickCustomer(c)} invalid={!!errors.clientNum} />
          </Field>
          <Field label={t("fields.buyerCompany")} htmlFor="buyerCompany" error={msg(errors.buyerCompany)}>
            <Input id="buyerCompany" {...form.register("buyerCompany")} aria-invalid={!!errors.buyerCompany} />
          </Field>
          <Field label={t("fields.deliveryMethod")} htmlFor="deliveryMethod" error={msg(errors.deliveryMethod)}>
            <NativeSelect id="deliveryMethod" {...form.register("deliveryMethod")} aria-invalid={!!errors.deliveryMethod}>
              {methods.map((m) => (
                <option key={m.name} value={m.name}>
                  {m.name}
                </option>
              ))}
            </NativeSelect>
          </Field>
          <Field label={t("orders.form.warehouse")} htmlFor="warehouseId" error={msg(errors.warehouseId)}>
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
                  {errors.address?.message ?? errors.addressId?.message}
                </p>
              ) : null}
              {customer && addresses.length ? (
                <div className="grid gap-2" role="radiogroup" aria-label={t("orders.form.address")}>
                  {addresses.map((a) => (
                    <label key={a.id} className="flex cursor-pointer items-start gap-2 rounded-md border px-3 py-2 text-sm has-[:checked]:border-primary">
                      <input
                        type="radio"
                        className="mt-1"
                        checked={watched.addressMode === "pick" && watched.addressId === a.id}
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
                        <span className="block text-muted-foreground">{[a.country, a.province, a.city, a.district, a.street, a.postcode].filter(Boolean).join(" ")}</span>
                      </span>
                    </label>
                  ))}
                  <label className="flex cursor-pointer items-center gap-2 rounded-md border px-3 py-2 text-sm has-[:checked]:border-primary">
                    <input type="radio" checked={watched.addressMode === "type"} onChange={() => form.setValue("addressMode", "type")} data-testid="address-type" />
                    {t("orders.form.typeAddress")}
                  </label>
                </div>
              ) : null}
              {watched.addressMode === "type" || !customer || addresses.length === 0 ? (
                <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
                  <Field label={t("fields.recipientName")} htmlFor="recipientName" error={addrErr("recipientName")} required>
                    <Input id="recipientName" {...form.register("address.recipientName")} aria-invalid={!!errors.address?.recipientName} />
                  </Field>
                  <Field label={t("fields.recipientPhone")} htmlFor="recipientPhone" error={addrErr("recipientPhone")} required>
                    <Input id="recipientPhone" {...form.register("address.recipientPhone")} aria-invalid={!!errors.address?.recipientPhone} />
                  </Field>
                  <Field label={t("fields.country")} htmlFor="country" error={addrErr("country")}>
                    <Input id="country" {...form.register("address.country")} />
                  </Field>
                  <Field label={t("fields.province")} htmlFor="province" error={addrErr("province")}>
                    <Input id="province" {...form.register("address.province")} />
                  </Field>
                  <Field label={t("fields.city")} htmlFor="city" error={addrErr("city")}>
                    <Input id="city" {...form.register("address.city")} />
                  </Field>
                  <Field label={t("fields.district")} htmlFor="district" error={addrErr("district")}>
                    <Input id="district" {...form.register("address.district")} />
                  </Field>
                  <Field label={t("fields.street")} htmlFor="street" error={addrErr("street")} required className="sm:col-span-2">
                    <Input id="street" {...form.register("address.street")} aria-invalid={!!errors.address?.street} />
                  </Field>
                  <Field label={t("fields.postcode")} htmlFor="postcode" error={addrErr("postcode")}>
                    <Input id="postcode" {...form.register("address.postcode")} />
                  </Field>
                </div>
              ) : null}
              <Field label={t("fields.freight")} htmlFor="freight" error={msg(errors.freight)} className="max-w-48">
                <Input id="freight" className="text-right tabular-nums" {...decimalInputProps(precision.amountDecimals)} {...form.register("freight")} aria-invalid={!!errors.freight} />
              </Field>
            </div>
          ) : (
            <p className="text-sm text-muted-foreground md:col-span-2">{t("orders.form.pickupNoAddress")}</p>
          )}
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>{t("orders.section.agreement")}</CardTitle>
        </CardHeader>
        <CardContent className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          <Field label={t("fields.agreementType")} htmlFor="agreementType" error={msg(errors.agreementType)}>
            <NativeSelect id="agreementType" {...form.register("agreementType")}>
              <option value="">{t("orders.form.selectNone")}</option>
              {options.agreementTypes.agreement.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </NativeSelect>
          </Field>
          <Field label={t("fields.agreedTotalQty")} htmlFor="agreedTotalQty" error={msg(errors.agreedTotalQty)}>
            <Input id="agreedTotalQty" className="text-right tabular-nums" {...decimalInputProps(precision.quantityDecimals)} {...form.register("agreedTotalQty")} aria-invalid={!!errors.agreedTotalQty} />
          </Field>
          <Field label={t("fields.processingType")} htmlFor="processingType" error={msg(errors.processingType)}>
            <NativeSelect id="processingType" {...form.register("processingType")}>
              <option value="">{t("orders.form.selectNone")}</option>
              {options.agreementTypes.processing.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </NativeSelect>
          </Field>
          <Field label={t("fields.deliveryDate")} htmlFor="deliveryDate" error={msg(errors.deliveryDate)}>
            <Input id="deliveryDate" type="date" {...form.register("deliveryDate")} aria-invalid={!!errors.deliveryDate} />
          </Field>
          <Field label={t("fields.agreedTotalAmount")} htmlFor="agreedTotalAmount" error={msg(errors.agreedTotalAmount)}>
            <Input
              id="agreedTotalAmount"
              className="text-right tabular-nums"
              {...decimalInputProps(precision.amountDecimals)}
              {...form.register("agreedTotalAmount")}
              aria-invalid={!!errors.agreedTotalAmount}
            />
          </Field>
          <Field label={t("fields.remark")} htmlFor="remark" error={msg(errors.remark)} className="sm:col-span-2 lg:col-span-3">
            <Textarea id="remark" {...form.register("remark")} />
          </Field>
        </CardContent>
      </Card>

      <Card>
        <CardHeader className="flex flex-row items-center justify-between gap-2">
          <CardTitle>{t("orders.section.lines")}</CardTitle>
          <Button type="button" size="sm" variant="outline" onClick={() => setPickerOpen(true)} data-testid="add-products">
            <Plus />
            {t("orders.form.addProducts")}
          </Button>
        </CardHeader>
        <CardContent className="grid gap-3">
          {errors.lines?.message || errors.lines?.root?.message ? (
            <p role="alert" className="text-xs text-destructive" data-field-error="lines">
              {errors.lines?.message ?? errors.lines?.root?.message}
            </p>
          ) : null}
          <div className="overflow-x-auto rounded-md border">
            <Table data-testid="order-lines">
              <TableHeader>
                <TableRow>
                  <TableHead>{t("orders.picker.sku")}</TableHead>
                  <TableHead>{t("fields.lineType")}</TableHead>
                  <TableHead className="w-32 text-right">{t("fields.unitPrice")}</TableHead>
                  <TableHead className="w-32 text-right">{t("fields.quantity")}</TableHead>
                  <TableHead className="text-right">{t("orders.form.lineTotal")}</TableHead>
                  <TableHead>{t("fields.remark")}</TableHead>
                  <TableHead className="w-10" />
                </TableRow>
              </TableHeader>
              <TableBody>
                {lines.fields.map((f, i) => {
                  const le = errors.lines?.[i];
                  const lineErrors = [le?.sku?.message, le?.unitPrice?.message, le?.quantity?.message, le?.lineType?.message, le?.remark?.message].filter(Boolean);
                  return (
                    <TableRow key={f.id} data-testid={`line-${i}`}>
                      <TableCell className="min-w-40 align-top">
                        <div className="font-mono text-xs">{f.sku}</div>
                        <div className="text-xs text-muted-foreground">
                          {f.name} {f.unit}
                        </div>
                        {lineErrors.map((m) => (
                          <p key={m} role="alert" className="text-xs text-destructive" data-field-error={`lines.${i}`}>
                            {m}
                          </p>
                        ))}
                      </TableCell>
                      <TableCell className="align-top">
                        <NativeSelect className="h-8 w-28" {...form.register(`lines.${i}.lineType`)} aria-label={t("fields.lineType")}>
                          {LINE_TYPES.map((lt) => (
                            <option key={lt} value={lt}>
                              {t(`orders.lineType.${lt}`)}
                            </option>
                          ))}
                        </NativeSelect>
                      </TableCell>
                      <TableCell className="align-top">
                        <Input
                          className="h-8 text-right tabular-nums"
                          {...decimalInputProps(precision.priceDecimals)}
                          {...form.register(`lines.${i}.unitPrice`)}
                          aria-label={`${f.sku} ${t("fields.unitPrice")}`}
                          aria-invalid={!!le?.unitPrice}
                          data-testid={`line-${i}-price`}
                        />
                      </TableCell>
                      <TableCell className="align-top">
                        <Input
                          className="h-8 text-right tabular-nums"
                          {...decimalInputProps(precision.quantityDecimals)}
                          {...form.register(`lines.${i}.quantity`)}
                          aria-label={`${f.sku} ${t("fields.quantity")}`}
                          aria-invalid={!!le?.quantity}
                          data-testid={`line-${i}-qty`}
                        />
                      </TableCell>
                      <TableCell className="text-right align-top tabular-nums" data-testid={`line-${i}-amount`}>
                        <span className={watched.lines?.[i]?.lineType === "gift" ? "text-muted-foreground line-through" : undefined}>{amounts[i] ?? "—"}</span>
                      </TableCell>
                      <TableCell className="align-top">
                        <Input className="h-8 min-w-32" {...form.register(`lines.${i}.remark`)} aria-label={`${f.sku} ${t("fields.remark")}`} />
                      </TableCell>
                      <TableCell className="align-top">
                        <Button type="button" variant="ghost" size="sm" onClick={() => lines.remove(i)} aria-label={t("orders.form.removeLine")}>
                          <Trash2 />
                        </Button>
                      </TableCell>
                    </TableRow>
                  );
                })}
                {lines.fields.length === 0 ? (
                  <TableRow>
                    <TableCell colSpan={7} className="h-16 text-center text-muted-foreground">
                      {t("orders.form.noLines")}
                    </TableCell>
                  </TableRow>
                ) : null}
              </TableBody>
            </Table>
          </div>
        </CardContent>
      </Card>

      {!edit ? (
        <Card>
          <CardHeader>
            <CardTitle>{t("orders.section.attachments")}</CardTitle>
          </CardHeader>
          <CardContent>
            <AttachmentUploader onChange={setAttachments} disabled={pending} />
          </CardContent>
        </Card>
      ) : null}

      <Card>
        <CardHeader>
          <CardTitle>{t("orders.section.summary")}</CardTitle>
        </CardHeader>
        <CardContent className="grid gap-4 md:grid-cols-[1fr_auto]">
          <Field label={t("orders.form.settlement")} htmlFor="discountTotal" error={msg(errors.discountTotal)} hint={t("orders.form.settlementHint")} className="max-w-sm">
            <Input
              id="discountTotal"
              className="text-right tabular-nums"
              placeholder={linesTotal}
              inputMode="decimal"
              autoComplete="off"
              {...form.register("discountTotal")}
              aria-invalid={!!errors.discountTotal}
            />
          </Field>
          <dl className="grid grid-cols-[auto_auto] gap-x-6 gap-y-1 text-sm" data-testid="order-totals">
            <dt className="text-muted-foreground">{t("orders.form.totalQty")}</dt>
            <dd className="text-right tabular-nums" data-testid="total-qty">
              {totalQty.toFixed(precision.quantityDecimals)}
            </dd>
            <dt className="text-muted-foreground">{t("orders.form.linesTotal")}</dt>
            <dd className="text-right tabular-nums" data-testid="lines-total">
              {linesTotal}
            </dd>
            <dt className="text-muted-foreground">{t("orders.form.settlement")}</dt>
            <dd className="flex items-center justify-end gap-2 text-right tabular-nums" data-testid="settlement">
              {special ? <SpecialPriceBadge /> : null}
              {settlement}
            </dd>
            <dt className="text-muted-foreground">{t("fields.freight")}</dt>
            <dd className="text-right tabular-nums">{roundTo(freight, precision.amountDecimals)}</dd>
            <dt className="font-medium">{t("orders.form.grandTotal")}</dt>
            <dd className="text-right text-base font-semibold tabular-nums" data-testid="grand-total">
              {roundTo(dec(settlement).plus(freight), precision.amountDecimals)}
            </dd>
          </dl>
        </CardContent>
      </Card>

      <div className="flex flex-wrap items-center justify-end gap-3">
        {!edit && canApprove ? (
          <label className="flex items-center gap-2 text-sm">
            <Checkbox checked={!!watched.approveNow} onCheckedChange={(v) => form.setValue("approveNow", !!v)} />
            {t("orders.form.approveNow")}
          </label>
        ) : null}
        <Button type="button" variant="outline" onClick={() => router.back()} disabled={pending}>
          {t("common.cancel")}
        </Button>
        <Button type="submit" disabled={pending} data-testid="order-submit">
          {pending ? t("orders.form.submitting") : t("orders.form.submit")}
        </Button>
      </div>

      <ProductPickerDialog open={pickerOpen} onOpenChange={setPickerOpen} precision={precision} onPick={addPicked} />
    </form>
  );
}
