import postgres from "postgres";
import { RESERVED_STATUSES } from "@/lib/orders/status";

/** Per (product, warehouse) of one merchant: stock levels and the ledger's sums. */
export async function stockSnapshot(url: string, orgId: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const levels = await sql<{ k: string; on_hand: string; reserved: string }[]>`
      select product_id || ':' || warehouse_id as k, on_hand::text, reserved::text from stock_levels where org_id = ${orgId}`;
    const moves = await sql<{ k: string; on_hand: string; reserved: string }[]>`
      select product_id || ':' || warehouse_id as k, sum(on_hand_delta)::text as on_hand, sum(reserved_delta)::text as reserved
        from stock_movements where org_id = ${orgId} group by 1`;
    return { levels: Object.fromEntries(levels.map((r) => [r.k, r])), moves: Object.fromEntries(moves.map((r) => [r.k, r])) };
  } finally {
    await sql.end();
  }
}

/**
 * The ledger invariant between two snapshots: for every (product, warehouse), the change of on hand and
 * reserved equals the change of the movements' sums. Returns the keys where it does not hold.
 */
export function ledgerMismatches(before: Awaited<ReturnType<typeof stockSnapshot>>, after: Awaited<ReturnType<typeof stockSnapshot>>) {
  const bad: string[] = [];
  const keys = new Set([...Object.keys(after.levels), ...Object.keys(before.levels)]);
  const n = (v?: string) => Number(v ?? 0) * 10_000; // numeric(18,4) → integer units for comparison
  for (const k of keys) {
    const dLevelOn = n(after.levels[k]?.on_hand) - n(before.levels[k]?.on_hand);
    const dLevelRes = n(after.levels[k]?.reserved) - n(before.levels[k]?.reserved);
    const dMoveOn = n(after.moves[k]?.on_hand) - n(before.moves[k]?.on_hand);
    const dMoveRes = n(after.moves[k]?.reserved) - n(before.moves[k]?.reserved);
    if (Math.round(dLevelOn) !== Math.round(dMoveOn) || Math.round(dLevelRes) !== Math.round(dMoveRes)) bad.push(k);
  }
  return bad;
}

/** Σ reserved of a merchant (integer units of 1e-4). */
export const reservedUnits = (s: Awaited<ReturnType<typeof stockSnapshot>>) => Math.round(Object.values(s.levels).reduce((t, r) => t + Number(r.reserved) * 10_000, 0));

/**
 * Reservations = Σ open lines: per (product, warehouse), stock_levels.reserved equals what the lines of
 * orders holding a reservation (holdsReservation: a reserved status, or frozen from one) still hold
 * there (quantity − shipped). Returns the keys where it does not hold.
 */
export async function reservationMismatches(url: string, orgId: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const reserved = [...RESERVED_STATUSES];
  try {
    return await sql<{ k: string; reserved: string; open: string }[]>`
      with open_lines as (
        select l.product_id, l.warehouse_id, sum(l.quantity - l.shipped_qty) as qty
          from order_lines l join orders o on o.org_id = l.org_id and o.id = l.order_id
         where o.org_id = ${orgId} and (o.status in ${sql(reserved)} or (o.status = 'frozen' and o.status_before_freeze in ${sql(reserved)})) and l.warehouse_id is not null
         group by 1, 2)
      select coalesce(s.product_id, ol.product_id) || ':' || coalesce(s.warehouse_id, ol.warehouse_id) as k,
             coalesce(s.reserved, 0)::text as reserved, coalesce(ol.qty, 0)::text as open
        from (select * from stock_levels where org_id = ${orgId}) s
        full join open_lines ol on ol.product_id = s.product_id and ol.warehouse_id = s.warehouse_id
       where coalesce(s.reserved, 0) <> coalesce(ol.qty, 0)`;
  } finally {
    await sql.end();
  }
}
