/** Roles a user can hold in a merchant, from most to least powerful. */
export const ROLES = ["owner", "admin", "operator", "warehouse", "finance", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  "org.read",
  "settings.write",
  "members.manage",
  "apikeys.manage",
  "catalog.write",
  "prices.write",
  "customers.write",
  "warehouses.write",
  "orders.write",
  "orders.approve",
  "inventory.write",
  "outbound.write",
  "inbound.write",
  "returns.write",
  "channels.manage",
  "channels.operate",
  "production.write",
  /** 财务管理: see costs, exchange rates and order profit. */
  "finance.read",
  /** 财务管理: enter and import costs, exchange rates and order charges; set the reporting currency. */
  "finance.write",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const ALL = new Set<Permission>(PERMISSIONS);
const except = (...p: Permission[]) => new Set([...ALL].filter((x) => !p.includes(x)));

/** The one table of who may do what. Every role may read (org.read); writes are listed. */
export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  owner: ALL,
  admin: except("members.manage"),
  operator: new Set([
    "org.read",
    "catalog.write",
    "prices.write",
    "customers.write",
    "orders.write",
    "orders.approve",
    "channels.operate",
    "returns.write",
    "production.write",
  ]),
  // Warehouse staff keep barcodes, weights and units right (catalog.write) but never prices.
  warehouse: new Set(["org.read", "catalog.write", "inventory.write", "outbound.write", "inbound.write", "returns.write", "warehouses.write"]),
  // Finance staff see and keep costs; nobody else below admin sees them (warehouse staff never do).
  finance: new Set(["org.read", "finance.read", "finance.write", "prices.write"]),
  viewer: new Set(["org.read"]),
};

export function can(role: Role | string | null | undefined, permission: Permission): boolean {
  if (!role || !(role in ROLE_PERMISSIONS)) return false;
  return ROLE_PERMISSIONS[role as Role].has(permission);
}

export const isRole = (r: string): r is Role => (ROLES as readonly string[]).includes(r);
