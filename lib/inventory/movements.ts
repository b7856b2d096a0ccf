/** What a stock movement records (the ledger's `kind`); isomorphic, so the journal can filter by it. */
export const MOVEMENT_KINDS = [
  "opening",
  "receipt",
  "reservation",
  "release",
  "shipment",
  "return",
  "adjustment",
  "stocktake",
  "scrap",
] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];
