import { z } from "zod";

/** Custom messages are i18n keys under `errors.`; zod's own messages are used for the rest. */
export const requiredText = (max = 200) =>
  z.string({ error: "required" }).trim().min(1, { error: "required" }).max(max, { error: "tooLong" });

export const optionalText = (max = 500) => z.string().trim().max(max, { error: "tooLong" }).default("");

export const nullableText = (max = 500) =>
  z
    .string()
    .trim()
    .max(max, { error: "tooLong" })
    .nullish()
    .transform((v) => (v ? v : null));

/** Codes such as SKUs, customer numbers, warehouse codes: no spaces, printable. */
export const codeText = (max = 64) =>
  z
    .string({ error: "required" })
    .trim()
    .min(1, { error: "required" })
    .max(max, { error: "tooLong" })
    .regex(/^[A-Za-z0-9._\-/#]+$/, { error: "codeFormat" });

/** A decimal as a JSON number or numeric string; the merchant's precision is checked by the service. */
export const decimalInput = z.union([z.string().trim(), z.number()], { error: "decimalFormat" });

export const optionalDecimalInput = z
  .union([z.string().trim(), z.number()])
  .nullish()
  .transform((v) => (v === "" || v === undefined ? null : v));

export const uuidInput = z.uuid({ error: "invalidId" });

export const PageInput = z.object({
  cursor: z.string().max(500).nullish(),
  limit: z.number().int().min(1).max(200).default(50),
});
export type PageInput = z.infer<typeof PageInput>;

export const emailInput = z.email({ error: "emailFormat" }).trim().toLowerCase().max(200);
