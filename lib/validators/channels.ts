import { z } from "zod";
import { decimalInput, nameText, PageInput, requiredText, uuidInput } from "./common";

/** Inputs of the channels domain, shared by services, routers and forms. */

export const PLATFORM_CODES = ["shopify", "amazon", "shopee", "lazada"] as const;

const shopDomain = z
  .string({ error: "required" })
  .trim()
  .toLowerCase()
  .min(1, { error: "required" })
  .max(120, { error: "tooLong" })
  .regex(/^(https?:\/\/)?[a-z0-9][a-z0-9-]{1,60}(\.myshopify\.com)?\/?$/, { error: "shopDomainFormat" });

export const AccountSettingsInput = z.object({
  alias: nameText(60),
  pullMode: z.enum(["auto", "manual"]).default("auto"),
  pullIntervalMinutes: z.number({ error: "required" }).int({ error: "pullIntervalRange" }).min(5, { error: "pullIntervalRange" }).max(1440, { error: "pullIntervalRange" }).default(15),
  importEnabled: z.boolean().default(true),
});

export const CreateAccountInput = AccountSettingsInput.extend({
  platform: z.enum(PLATFORM_CODES, { error: "platformUnavailable" }),
  /**
   * Shopify: the shop's myshopify domain (or just its name). Other platforms learn it on authorization,
   * so their form's empty field is no value at all (the service still requires it for Shopify).
   */
  shopDomain: z
    .union([z.literal(""), shopDomain])
    .nullish()
    .transform((v) => v || null),
  /** Connect to the local simulator instead of the platform (development and demo only). */
  useSimulator: z.boolean().default(false),
  /** Platform-specific settings (Amazon region/marketplace, Shopee partner region…). */
  settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
});
export type CreateAccountInput = z.input<typeof CreateAccountInput>;

export const UpdateAccountInput = AccountSettingsInput.extend({ id: uuidInput });
export type UpdateAccountInput = z.input<typeof UpdateAccountInput>;

export const AccountListInput = z.object({
  platform: z.enum(PLATFORM_CODES).optional(),
  search: z.string().trim().max(60).optional(),
});

const dateTime = z.coerce.date({ error: "dateFormat" });

/** 抓取订单: a time range of at most 31 days ending no later than now. */
export const FetchOrdersInput = z
  .object({ id: uuidInput, from: dateTime, to: dateTime })
  .refine((v) => v.from < v.to, { error: "rangeOrder", path: ["to"] })
  .refine((v) => v.to.getTime() - v.from.getTime() <= 31 * 24 * 3600_000, { error: "rangeTooLong", path: ["from"] });
export type FetchOrdersInput = z.input<typeof FetchOrdersInput>;

export const PLATFORM_ORDER_TABS = ["pending", "processed", "marked_shipped", "frozen", "voided"] as const;

export const PlatformOrderFilterInput = z.object({
  state: z.enum(PLATFORM_ORDER_TABS).default("pending"),
  platform: z.enum(PLATFORM_CODES).optional(),
  accountId: uuidInput.optional(),
  /** One platform order number (or its start), or a system order number. */
  orderNo: z.string().trim().max(80).optional(),
  /** Several order numbers at once (多单号). */
  orderNos: z.array(z.string().trim().max(80)).max(500).optional(),
  systemStatus: z.string().trim().max(20).optional(),
  shippingMethod: z.string().trim().max(80).optional(),
  country: z.string().trim().max(60).optional(),
  recipientName: z.string().trim().max(100).optional(),
  recipientPhone: z.string().trim().max(40).optional(),
  /** Only orders that could not be converted. */
  blockedOnly: z.boolean().optional(),
  pulledFrom: dateTime.optional(),
  pulledTo: dateTime.optional(),
});
export type PlatformOrderFilterInput = z.input<typeof PlatformOrderFilterInput>;

export const PlatformOrderListInput = PageInput.extend({ filter: PlatformOrderFilterInput.prefault({}) });
export type PlatformOrderListInput = z.input<typeof PlatformOrderListInput>;

export const PlatformOrderIdsInput = z.object({
  ids: z.array(uuidInput).min(1, { error: "selectOrders" }).max(200, { error: "tooManySelected" }),
  reason: z.string().trim().max(500, { error: "tooLong" }).nullish(),
});

export const SkuMappingItemInput = z.object({
  sku: requiredText(64),
  quantity: decimalInput,
});

/** One platform SKU of one account → one or more system SKUs (several = a bundle). */
export const SaveSkuMappingInput = z.object({
  accountId: uuidInput,
  platformSku: requiredText(120),
  /** When editing: the platform SKU being replaced (it may be renamed). */
  previousPlatformSku: z.string().trim().max(120).nullish(),
  items: z.array(SkuMappingItemInput).min(1, { error: "itemsRequired" }).max(20, { error: "tooManyItems" }),
});
export type SaveSkuMappingInput = z.input<typeof SaveSkuMappingInput>;

export const SkuMappingListInput = PageInput.extend({
  search: z.string().trim().max(120).optional(),
  accountId: uuidInput.optional(),
  platform: z.enum(PLATFORM_CODES).optional(),
});
export type SkuMappingListInput = z.input<typeof SkuMappingListInput>;

export const DeleteSkuMappingsInput = z.object({ ids: z.array(uuidInput).min(1).max(500) });
