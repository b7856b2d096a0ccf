import type { OrgScope } from "@/server/context";
import { deliveryMethods } from "@/db/schema";
import { seedAgreementTypes } from "../orders/agreement-types";
import { seedProgrammes } from "../production/programmes";

/** 配送方式 seeded for every new merchant (002: 快递、顺丰快递、送货上门、上门自取、物流货运、其他). */
export const DEFAULT_DELIVERY_METHODS = [
  { name: "快递", requiresAddress: true, isDefault: true },
  { name: "顺丰快递", requiresAddress: true, isDefault: false },
  { name: "送货上门", requiresAddress: true, isDefault: false },
  { name: "上门自取", requiresAddress: false, isDefault: false },
  { name: "物流货运", requiresAddress: true, isDefault: false },
  { name: "其他", requiresAddress: true, isDefault: false },
] as const;

type Seeder = (ctx: OrgScope) => Promise<void>;

/**
 * What every new merchant starts with. Domains append their own seeders (e.g. agreement types) so a
 * merchant created by sign-up, by the CLI or by a test is complete.
 */
export const orgSeeders: Seeder[] = [
  async ({ db, orgId }) => {
    await db
      .insert(deliveryMethods)
      .values(DEFAULT_DELIVERY_METHODS.map((m, i) => ({ orgId, ...m, sortOrder: i })))
      .onConflictDoNothing();
  },
  // 约定类型 / 加工类型 for the order form's agreement section.
  seedAgreementTypes,
  // 天天工厂 and its standard production stages, for the production mapping page.
  seedProgrammes,
];

export async function bootstrapOrg(ctx: OrgScope) {
  for (const seed of orgSeeders) await seed(ctx);
}
