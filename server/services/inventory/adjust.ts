import { and, eq, sql } from "drizzle-orm";
import { stockLevels } from "@/db/schema";
import { dec } from "@/lib/decimal";
import { AdjustStockInput } from "@/lib/validators/inventory";
import { inTransaction, type ServiceContext } from "@/server/context";
import { DomainError, fieldError } from "@/server/errors";
import { getPrecision, parseDecimalField } from "../_lib/precision";
import { nextNumber } from "../_lib/numbers";
import { moveStock } from "./ledger";
import { assertProductAndWarehouse } from "./stock";

/**
 * Manual adjustment (盘盈/盘亏, damage, found goods) with a reason, as one `adjustment` or `scrap`
 * movement numbered ADJ-…. Never takes on-hand below what is reserved for orders: that would be an
 * oversell, so it is refused with the quantity that may still be taken away.
 */
export async function adjustStock(ctx: ServiceContext, raw: AdjustStockInput) {
  const input = AdjustStockInput.parse(raw);
  const precision = await getPrecision(ctx);
  const qty = parseDecimalField(input.quantity, "quantity", precision, "quantity", { allowNegative: true });
  if (dec(qty).isZero()) throw fieldError("quantity", "mustNotBeZero");
  if (input.kind === "scrap" && dec(qty).gt(0)) throw fieldError("quantity", "scrapMustBeNegative");
  return inTransaction(ctx, async (ctx) => {
    await assertProductAndWarehouse(ctx, input.productId, input.warehouseId);
    const refNo = await nextNumber(ctx, "adjustment");
    try {
      await moveStock(ctx, {
        productId: input.productId,
        warehouseId: input.warehouseId,
        kind: input.kind,
        onHandDelta: qty,
        refType: "adjustment",
        refNo,
        reason: input.reason,
      });
    } catch (e) {
      if (e instanceof DomainError && e.code === "INSUFFICIENT_STOCK") {
        const [level] = await ctx.db
          .select({ available: sql<string>`(${stockLevels.onHand} - ${stockLevels.reserved})::text` })
          .from(stockLevels)
          .where(
            and(
              eq(stockLevels.orgId, ctx.orgId),
              eq(stockLevels.productId, input.productId),
              eq(stockLevels.warehouseId, input.warehouseId),
            ),
          );
        throw fieldError("quantity", "adjustBelowAvailable", {
          available: dec(level?.available ?? 0).toFixed(),
        });
      }
      throw e;
    }
    const [level] = await ctx.db
      .select({ onHand: stockLevels.onHand, reserved: stockLevels.reserved })
      .from(stockLevels)
      .where(
        and(
          eq(stockLevels.orgId, ctx.orgId),
          eq(stockLevels.productId, input.productId),
          eq(stockLevels.warehouseId, input.warehouseId),
        ),
      );
    return {
      refNo,
      onHand: level!.onHand,
      reserved: level!.reserved,
      available: dec(level!.onHand).minus(level!.reserved).toFixed(),
    };
  });
}
