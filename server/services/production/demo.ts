import { and, eq, isNull } from "drizzle-orm";
import { productionOperations, productionProgrammes, productionRoutes, products } from "@/db/schema";
import { simulatorPorts } from "@/server/channels/endpoints";
import type { TxContext } from "@/server/context";
import { TIANTIAN_DEMO_APP_KEY, TIANTIAN_DEMO_APP_SECRET } from "./demo-credentials";
import { saveMapping } from "./mapping";
import { listProgrammes, TIANTIAN, updateProgramme } from "./programmes";
import { createRoute } from "./routes";

const DEMO_OPERATIONS = [
  { code: "MAT", name: "领料", standardMinutes: "0.5", workCentre: "仓库" },
  { code: "CUT", name: "裁剪", standardMinutes: "2", workCentre: "裁床车间" },
  { code: "SEW", name: "缝合衣身", standardMinutes: "12", workCentre: "缝制一组" },
  { code: "SLEEVE", name: "上袖", standardMinutes: "6", workCentre: "缝制一组" },
  { code: "IRON", name: "整烫", standardMinutes: "1.5", workCentre: "后整车间" },
  { code: "QC", name: "质检", standardMinutes: "1", workCentre: "品检" },
  { code: "PACK", name: "包装", standardMinutes: "0.8", workCentre: "包装线" },
  { code: "SHIP", name: "出货", standardMinutes: "0.2", workCentre: "仓库" },
  { code: "WASH", name: "水洗", standardMinutes: "4", workCentre: "水洗房" },
];

const TEE_ROUTE = { code: "TEE-STD", name: "T恤标准工艺", ops: ["MAT", "CUT", "SEW", "SLEEVE", "IRON", "QC", "PACK", "SHIP"], skus: ["00021002", "00021003"] };
const JEANS_ROUTE = { code: "JEANS-STD", name: "牛仔裤工艺", ops: ["MAT", "CUT", "SEW", "WASH", "QC", "PACK"], skus: ["00031003"] };

/**
 * The local 天天工厂 simulator the dev server starts (tests/simulators/index.ts) and the demo merchant
 * reports to. Demo-only credentials for a process on 127.0.0.1; real merchants enter their own.
 */
export const TIANTIAN_DEMO = {
  port: () => simulatorPorts().tiantian,
  appKey: TIANTIAN_DEMO_APP_KEY,
  appSecret: TIANTIAN_DEMO_APP_SECRET,
  endpoint: () => process.env.MANIFOLD_TIANTIAN_SIMULATOR_URL ?? `http://127.0.0.1:${TIANTIAN_DEMO.port()}/api/v1/production/progress`,
};

/**
 * Demo production data (idempotent): 天天工厂 pointed at the local simulator, the factory's operations,
 * a T-shirt route mapped to its stages and confirmed, and a jeans route left unmapped to show what an
 * incomplete mapping looks like.
 */
export async function seedProductionDemo(ctx: TxContext) {
  const { db, orgId } = ctx;
  await db
    .insert(productionOperations)
    .values(DEMO_OPERATIONS.map((o) => ({ ...o, orgId })))
    .onConflictDoNothing();
  const [unconfigured] = await db
    .select({ id: productionProgrammes.id })
    .from(productionProgrammes)
    .where(and(eq(productionProgrammes.orgId, orgId), eq(productionProgrammes.code, TIANTIAN.code), isNull(productionProgrammes.endpointUrl)));
  if (unconfigured) {
    await updateProgramme(ctx, { id: unconfigured.id, name: TIANTIAN.name, endpointUrl: TIANTIAN_DEMO.endpoint(), appKey: TIANTIAN_DEMO.appKey, appSecret: TIANTIAN_DEMO.appSecret });
  }
  const ops = await db.select().from(productionOperations).where(eq(productionOperations.orgId, orgId));
  const opId = (code: string) => ops.find((o) => o.code === code)!.id;
  for (const r of [TEE_ROUTE, JEANS_ROUTE]) {
    const [exists] = await db
      .select({ id: productionRoutes.id })
      .from(productionRoutes)
      .where(and(eq(productionRoutes.orgId, orgId), eq(productionRoutes.code, r.code)));
    if (exists) continue;
    const prods = await db.select({ id: products.id, sku: products.sku }).from(products).where(eq(products.orgId, orgId));
    const route = await createRoute(ctx, {
      code: r.code,
      name: r.name,
      operationIds: r.ops.map(opId),
      productIds: prods.filter((p) => r.skus.includes(p.sku)).map((p) => p.id),
    });
    if (r !== TEE_ROUTE) continue;
    const [programme] = await listProgrammes(ctx);
    if (!programme) continue;
    const stage = (code: string) => programme.stages.find((s) => s.code === code)!.id;
    await saveMapping(ctx, {
      routeId: route.id,
      programmeId: programme.id,
      confirm: true,
      entries: [
        { operationId: opId("MAT"), stageId: stage("MATERIAL") },
        { operationId: opId("CUT"), stageId: stage("CUTTING") },
        { operationId: opId("SEW"), stageId: stage("SEWING") },
        { operationId: opId("SLEEVE"), stageId: stage("SEWING") },
        { operationId: opId("IRON"), stageId: stage("FINISHING") },
        { operationId: opId("QC"), stageId: stage("QC") },
        { operationId: opId("PACK"), stageId: stage("PACKING") },
        { operationId: opId("SHIP"), stageId: stage("SHIPPING") },
      ],
    });
  }
}
