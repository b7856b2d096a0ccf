import { z } from "zod";
import { PLAN_STATUSES } from "@/lib/production/status";
import { codeText, decimalInput, nameText, optionalText, PageInput, requiredText, uuidInput } from "./common";

/**
 * Inputs of the production domain, shared by the services, the tRPC router and the forms. Quantities
 * arrive as JSON numbers or numeric strings; the merchant's precision is checked by the service.
 */

const isoDate = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "dateFormat" })
  .refine(
    (s) => {
      // zod runs this even when the regex failed: guard before building a Date.
      const d = new Date(`${s}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
    },
    { error: "dateFormat" },
  );

/** A calendar date (YYYY-MM-DD) or nothing. */
export const optionalPlanDate = z
  .union([isoDate, z.literal("")])
  .nullish()
  .transform((v) => v || null);

const searchText = z.string().trim().max(100).optional();

export const OperationInput = z.object({
  code: codeText(40),
  name: nameText(100),
  standardMinutes: decimalInput.default("0"),
  workCentre: optionalText(100),
  enabled: z.boolean().default(true),
});
export type OperationInput = z.input<typeof OperationInput>;
export const OperationUpdateInput = OperationInput.extend({ id: uuidInput });

export const OperationListInput = PageInput.extend({
  search: searchText,
  enabled: z.boolean().optional(),
  sort: z.enum(["created", "code", "name"]).default("code"),
  dir: z.enum(["asc", "desc"]).default("asc"),
});

export const SetEnabledInput = z.object({ id: uuidInput, enabled: z.boolean() });

export const RouteInput = z.object({
  code: codeText(40),
  name: nameText(100),
  description: optionalText(500),
  /** The route's operations in production order. */
  operationIds: z
    .array(uuidInput)
    .min(1, { error: "routeNeedsOperations" })
    .max(100, { error: "tooLong" })
    .refine((ids) => new Set(ids).size === ids.length, { error: "operationTwice" }),
  /** Products made by this route (each product has at most one route). */
  productIds: z.array(uuidInput).max(500, { error: "tooLong" }).default([]),
});
export type RouteInput = z.input<typeof RouteInput>;
export const RouteUpdateInput = RouteInput.extend({ id: uuidInput, version: z.number().int().positive() });
export const RouteCopyInput = z.object({ id: uuidInput, code: codeText(40), name: nameText(100) });

export const RouteListInput = PageInput.extend({
  search: searchText,
  enabled: z.boolean().optional(),
  sort: z.enum(["created", "code", "name"]).default("created"),
  dir: z.enum(["asc", "desc"]).default("desc"),
});

export const ProgrammeUpdateInput = z.object({
  id: uuidInput,
  name: nameText(100),
  endpointUrl: z
    .string()
    .trim()
    .max(500, { error: "tooLong" })
    .refine((v) => v === "" || /^https?:\/\/[^\s]+$/.test(v), { error: "urlFormat" })
    .default(""),
  appKey: optionalText(200),
  /** Blank keeps the stored secret. */
  appSecret: z.string().max(500, { error: "tooLong" }).default(""),
  enabled: z.boolean().default(true),
});
export type ProgrammeUpdateInput = z.input<typeof ProgrammeUpdateInput>;

export const StageInput = z.object({
  /** Absent for a new stage. */
  id: uuidInput.optional(),
  code: codeText(40),
  name: nameText(100),
  enabled: z.boolean().default(true),
});

/** The programme's stage list in order: known stages are renamed/reordered/toggled, new ones added. */
export const StagesSaveInput = z.object({
  programmeId: uuidInput,
  stages: z
    .array(StageInput)
    .min(1, { error: "required" })
    .max(50, { error: "tooLong" })
    .refine((s) => new Set(s.map((x) => x.code.toLowerCase())).size === s.length, { error: "stageCodeTwice" }),
});
export type StagesSaveInput = z.input<typeof StagesSaveInput>;

export const MappingKey = z.object({ routeId: uuidInput, programmeId: uuidInput });

/** One row per operation of the route: the stage it belongs to, or none. */
export const MappingSaveInput = MappingKey.extend({
  entries: z.array(z.object({ operationId: uuidInput, stageId: uuidInput.nullable() })).max(100, { error: "tooLong" }),
  /** Save and confirm in one step. */
  confirm: z.boolean().default(false),
});
export type MappingSaveInput = z.input<typeof MappingSaveInput>;

export const PlanInput = z
  .object({
    /** Blank: the next number from the merchant's sequence (PP-YYMMDD-00001). */
    planNo: z
      .string()
      .trim()
      .max(40, { error: "tooLong" })
      .regex(/^[A-Za-z0-9._\-/#]*$/, { error: "codeFormat" })
      .default(""),
    sku: codeText(64),
    quantity: decimalInput,
    /** Blank: the route assigned to the product. */
    routeId: uuidInput.nullish(),
    plannedStart: optionalPlanDate,
    plannedEnd: optionalPlanDate,
    workCentre: optionalText(100),
    remark: optionalText(500),
    orderLineIds: z.array(uuidInput).max(200, { error: "tooLong" }).default([]),
  })
  .refine((p) => !p.plannedStart || !p.plannedEnd || p.plannedEnd >= p.plannedStart, {
    error: "endBeforeStart",
    path: ["plannedEnd"],
  });
export type PlanInput = z.input<typeof PlanInput>;

export const PlanListInput = PageInput.extend({
  search: searchText,
  status: z.enum(PLAN_STATUSES).optional(),
  /** Only plans that take work reports (released or in progress), for the quick entry page. */
  reportable: z.boolean().optional(),
  routeId: uuidInput.optional(),
  sort: z.enum(["created", "planNo", "plannedEnd"]).default("created"),
  dir: z.enum(["asc", "desc"]).default("desc"),
});

export const PlanTransitionInput = z
  .object({
    id: uuidInput,
    action: z.enum(["release", "cancel"]),
    reason: z.string().trim().max(500, { error: "tooLong" }).default(""),
  })
  .refine((v) => v.action !== "cancel" || v.reason.length > 0, { error: "reasonRequired", path: ["reason"] });
export type PlanTransitionInput = z.input<typeof PlanTransitionInput>;

export const PlanLinkInput = z.object({
  planId: uuidInput,
  orderLineIds: z.array(uuidInput).min(1, { error: "required" }).max(200, { error: "tooLong" }),
});
export type PlanLinkInput = z.input<typeof PlanLinkInput>;

export const LinkableLinesInput = z.object({ planId: uuidInput, search: searchText });

export const WorkReportInput = z
  .object({
    planId: uuidInput,
    operationId: uuidInput,
    goodQty: decimalInput,
    defectiveQty: decimalInput.default("0"),
    operator: requiredText(60),
    /** ISO timestamp; blank = now. */
    reportedAt: z
      .string()
      .trim()
      .refine((v) => v === "" || !Number.isNaN(Date.parse(v)), { error: "timestampFormat" })
      .nullish()
      .transform((v) => v || null),
    /** Report more than planned on purpose: needs a reason. */
    override: z.boolean().default(false),
    overrideReason: z.string().trim().max(500, { error: "tooLong" }).default(""),
    remark: optionalText(500),
  })
  .refine((v) => !v.override || v.overrideReason.length > 0, { error: "overrideReasonRequired", path: ["overrideReason"] });
export type WorkReportInput = z.input<typeof WorkReportInput>;

export const WorkReportListInput = PageInput.extend({
  planId: uuidInput.optional(),
  search: searchText,
});

export const UpstreamReportListInput = PageInput.extend({ planId: uuidInput.optional() });
