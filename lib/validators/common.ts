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

// Characters that show nothing: separators, format characters (zero-width, bidi marks, BOM, tags…),
// controls, combining marks alone, and the Hangul / braille fillers that render blank.
const INVISIBLE = /[\p{Z}\p{Cf}\p{Cc}\p{M}\u115f\u1160\u3164\uffa0\u2800]/gu;
// Explicit bidi embeddings, overrides and isolates: in a name they only serve to make it read otherwise.
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/;

/**
 * The one schema of names people see and tell apart — products, customers, warehouses, merchants,
 * users, accounts, routes…: required, at least one visible character, no bidi controls.
 */
export const nameText = (max = 200) =>
  requiredText(max)
    .refine((s) => s.length === 0 || s.replace(INVISIBLE, "").length > 0, { error: "nameInvisible" })
    .refine((s) => !BIDI_CONTROLS.test(s), { error: "nameBidiControl" });

/**
 * A link the app renders (a product image): an absolute http(s) URL or a path of this site. `//host/…`
 * (scheme-relative) and `/\host` are other sites' addresses in disguise.
 */
export const linkUrl = (max = 1000) =>
  nullableText(max)
    .refine((v) => v === null || !/^[/\\]{2}|^\/\\/.test(v), { error: "urlSchemeRelative" })
    .refine((v) => v === null || /^\/(?![/\\])/.test(v) || /^https?:\/\/[^/\\\s]+/i.test(v), { error: "urlFormat" });

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

/** An id from a URL (page or route parameter) that could name a row; anything else is a plain 404. */
export const isUuid = (s: string | null | undefined): s is string => !!s && uuidInput.safeParse(s).success;

export const PageInput = z.object({
  cursor: z.string().max(500).nullish(),
  limit: z.number().int().min(1).max(200).default(50),
});
export type PageInput = z.infer<typeof PageInput>;

export const emailInput = z.email({ error: "emailFormat" }).trim().toLowerCase().max(200);
