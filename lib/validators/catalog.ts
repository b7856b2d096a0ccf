import { z } from "zod";
import { codeText, decimalInput, linkUrl, nameText, nullableText, optionalDecimalInput, optionalText, PageInput, requiredText, uuidInput } from "./common";

export const ProductInput = z.object({
  sku: codeText(64),
  name: nameText(200),
  spec: optionalText(300),
  barcode: nullableText(64),
  unit: requiredText(20).default("件"),
  price: decimalInput.default("0"),
  weight: optionalDecimalInput,
  imageUrl: linkUrl(1000),
  lowStockThreshold: optionalDecimalInput,
  enabled: z.boolean().default(true),
});
export type ProductInput = z.input<typeof ProductInput>;

export const ProductUpdateInput = ProductInput.extend({ id: uuidInput });

export const ProductListInput = PageInput.extend({
  search: z.string().trim().max(100).optional(),
  enabled: z.boolean().optional(),
  sort: z.enum(["created", "sku", "name", "price"]).default("created"),
  dir: z.enum(["asc", "desc"]).default("desc"),
});

export const AddressInput = z.object({
  id: z.number().int().positive().optional(),
  recipient: requiredText(100),
  phone: requiredText(40),
  country: requiredText(60).default("CN"),
  province: optionalText(60),
  city: optionalText(60),
  district: optionalText(60),
  street: requiredText(300),
  postcode: optionalText(20),
  isDefault: z.boolean().default(false),
});
export type AddressInput = z.input<typeof AddressInput>;

export const CustomerInput = z.object({
  clientNum: codeText(40),
  companyName: nameText(200),
  contactName: optionalText(100),
  contactPhone: optionalText(40),
  email: z
    .union([z.email({ error: "emailFormat" }), z.literal("")])
    .nullish()
    .transform((v) => v || null),
  remark: optionalText(1000),
  enabled: z.boolean().default(true),
  addresses: z.array(AddressInput).max(50).default([]),
});
export type CustomerInput = z.input<typeof CustomerInput>;
export const CustomerUpdateInput = CustomerInput.extend({ id: uuidInput });

export const CustomerListInput = PageInput.extend({
  search: z.string().trim().max(100).optional(),
  enabled: z.boolean().optional(),
  sort: z.enum(["created", "clientNum", "companyName"]).default("created"),
  dir: z.enum(["asc", "desc"]).default("desc"),
});

export const WarehouseInput = z.object({
  code: codeText(40),
  name: nameText(100),
  country: requiredText(60).default("CN"),
  province: optionalText(60),
  city: optionalText(60),
  district: optionalText(60),
  street: optionalText(300),
  contactName: optionalText(100),
  contactPhone: optionalText(40),
  isDefault: z.boolean().default(false),
  enabled: z.boolean().default(true),
});
export type WarehouseInput = z.input<typeof WarehouseInput>;
export const WarehouseUpdateInput = WarehouseInput.extend({ id: uuidInput });

export const DeliveryMethodInput = z.object({
  name: nameText(40),
  requiresAddress: z.boolean().default(true),
  isDefault: z.boolean().default(false),
  sortOrder: z.number({ error: "required" }).int({ error: "outOfRange" }).min(0, { error: "outOfRange" }).max(9999, { error: "outOfRange" }).default(0),
  enabled: z.boolean().default(true),
});
export type DeliveryMethodInput = z.input<typeof DeliveryMethodInput>;
export const DeliveryMethodUpdateInput = DeliveryMethodInput.extend({ id: uuidInput });

const decimals = z.number().int().min(0, { error: "precisionRange" }).max(4, { error: "precisionRange" });
export const PrecisionInput = z.object({
  amountDecimals: decimals,
  priceDecimals: decimals,
  quantityDecimals: decimals,
});
export type PrecisionInput = z.infer<typeof PrecisionInput>;

export const SetEnabledInput = z.object({ id: uuidInput, enabled: z.boolean() });
