import { and, asc, eq, ilike, inArray, notInArray, or, sql, type SQL } from "drizzle-orm";
import { type z } from "zod";
import { customerAddresses, customers } from "@/db/schema";
import { CustomerInput, CustomerListInput, CustomerUpdateInput, SetEnabledInput } from "@/lib/validators/catalog";
import { inTransaction, type ServiceContext } from "@/server/context";
import { conflict, DomainError, isUniqueViolation, notFound } from "@/server/errors";
import { afterCursor, countCapped, decodeCursor, orderByKeyset, toPage } from "../_lib/keyset";
import { likeContains } from "../_lib/like";

export type CustomerRow = typeof customers.$inferSelect;
export type AddressRow = typeof customerAddresses.$inferSelect;

type ParsedCustomer = z.output<typeof CustomerInput>;

/** Exactly one default address when there are any: the flagged one, else the first. */
function withDefault(addresses: ParsedCustomer["addresses"]) {
  const flagged = addresses.filter((a) => a.isDefault).length;
  if (flagged > 1) {
    throw new DomainError("VALIDATION", { key: "oneDefaultAddress", params: { field: "addresses" } }, {
      fieldErrors: { addresses: { key: "oneDefaultAddress" } },
    });
  }
  return addresses.map((a, i) => ({ ...a, isDefault: flagged === 0 ? i === 0 : a.isDefault }));
}

function searchCondition(search?: string): SQL | undefined {
  if (!search) return undefined;
  const term = likeContains(search);
  return or(ilike(customers.clientNum, term), ilike(customers.companyName, term), ilike(customers.contactName, term), ilike(customers.contactPhone, term));
}

const SORTS = {
  created: { col: customers.createdAt, text: sql<string>`${customers.createdAt}::text` },
  clientNum: { col: customers.clientNum, text: sql<string>`${customers.clientNum}` },
  companyName: { col: customers.companyName, text: sql<string>`${customers.companyName}` },
} as const;

export async function listCustomers(ctx: ServiceContext, raw: z.input<typeof CustomerListInput>) {
  const input = CustomerListInput.parse(raw);
  const sort = SORTS[input.sort];
  const filters = and(
    eq(customers.orgId, ctx.orgId),
    searchCondition(input.search),
    input.enabled === undefined ? undefined : eq(customers.enabled, input.enabled),
  );
  const rows = await ctx.db
    .select({
      customer: customers,
      sortKey: sort.text,
      // Qualified by hand: in a one-table select drizzle renders ${customers.id} as a bare "id", which
      // inside these subqueries would mean the address's own id.
      addressCount: sql<number>`(select count(*)::int from ${customerAddresses} a where a.customer_id = "customers"."id")`,
      defaultAddress: sql<string | null>`(select concat_ws(' ', a.recipient, a.phone, a.province, a.city, a.district, a.street) from ${customerAddresses} a where a.customer_id = "customers"."id" and a.is_default)`,
    })
    .from(customers)
    .where(and(filters, afterCursor(sort.col, customers.id, input.dir, decodeCursor(input.cursor))))
    .orderBy(...orderByKeyset(sort.col, customers.id, input.dir))
    .limit(input.limit + 1);
  const page = toPage(
    rows.map((r) => ({ ...r.customer, sortKey: r.sortKey, addressCount: r.addressCount, defaultAddress: r.defaultAddress })),
    input.limit,
    (r) => r.sortKey,
  );
  const total = await countCapped(ctx, customers, filters);
  return { ...page, total };
}

export async function getCustomer(ctx: ServiceContext, id: string) {
  const [row] = await ctx.db.select().from(customers).where(and(eq(customers.id, id), eq(customers.orgId, ctx.orgId)));
  if (!row) throw notFound("customer");
  const addresses = await listAddresses(ctx, row.id);
  return { ...row, addresses };
}

export async function getCustomerByNum(ctx: ServiceContext, clientNum: string) {
  const [row] = await ctx.db.select().from(customers).where(and(eq(customers.clientNum, clientNum), eq(customers.orgId, ctx.orgId)));
  return row ?? null;
}

export async function listAddresses(ctx: ServiceContext, customerId: string) {
  return ctx.db
    .select()
    .from(customerAddresses)
    .where(and(eq(customerAddresses.customerId, customerId), eq(customerAddresses.orgId, ctx.orgId)))
    .orderBy(sql`${customerAddresses.isDefault} desc`, asc(customerAddresses.id));
}

/** The addresses of a customer named by its client number, in the order they were added (the open API's getAddresses). */
export async function addressesOfClient(ctx: ServiceContext, input: { clientNum: string }) {
  const customer = await getCustomerByNum(ctx, input.clientNum);
  if (!customer) {
    const params = { clientNum: input.clientNum };
    throw new DomainError("NOT_FOUND", { key: "customerUnknown", params }, { fieldErrors: { clientNum: { key: "customerUnknown", params } } });
  }
  return ctx.db
    .select()
    .from(customerAddresses)
    .where(and(eq(customerAddresses.orgId, ctx.orgId), eq(customerAddresses.customerId, customer.id)))
    .orderBy(customerAddresses.id);
}

function translateUnique(e: unknown): never {
  if (isUniqueViolation(e, "customers_org_num_uq")) throw conflict("clientNum", "clientNumTaken");
  throw e;
}

export async function createCustomer(ctx: ServiceContext, raw: z.input<typeof CustomerInput>) {
  const { addresses, ...values } = CustomerInput.parse(raw);
  const normalized = withDefault(addresses);
  return inTransaction(ctx, async (ctx) => {
    let row: CustomerRow;
    try {
      [row] = (await ctx.db.insert(customers).values({ ...values, orgId: ctx.orgId }).returning()) as [CustomerRow];
    } catch (e) {
      translateUnique(e);
    }
    if (normalized.length) {
      await ctx.db.insert(customerAddresses).values(
        normalized.map(({ id: _id, ...a }) => ({ ...a, orgId: ctx.orgId, customerId: row.id })),
      );
    }
    return getCustomer(ctx, row.id);
  });
}

/** Update a customer and reconcile its address book: kept ids are updated, new ones added, missing removed. */
export async function updateCustomer(ctx: ServiceContext, raw: z.input<typeof CustomerUpdateInput>) {
  const { id, addresses, ...values } = CustomerUpdateInput.parse(raw);
  const normalized = withDefault(addresses);
  return inTransaction(ctx, async (ctx) => {
    try {
      const [row] = await ctx.db
        .update(customers)
        .set(values)
        .where(and(eq(customers.id, id), eq(customers.orgId, ctx.orgId)))
        .returning({ id: customers.id });
      if (!row) throw notFound("customer");
    } catch (e) {
      if (e instanceof DomainError) throw e;
      translateUnique(e);
    }
    const keepIds = normalized.flatMap((a) => (a.id ? [a.id] : []));
    const existing = await ctx.db
      .select({ id: customerAddresses.id })
      .from(customerAddresses)
      .where(and(eq(customerAddresses.customerId, id), eq(customerAddresses.orgId, ctx.orgId)));
    const existingIds = new Set(existing.map((e) => e.id));
    const unknown = keepIds.find((k) => !existingIds.has(k));
    if (unknown !== undefined) throw notFound("address", { id: unknown });
    await ctx.db
      .delete(customerAddresses)
      .where(
        and(
          eq(customerAddresses.customerId, id),
          eq(customerAddresses.orgId, ctx.orgId),
          keepIds.length ? notInArray(customerAddresses.id, keepIds) : undefined,
        ),
      );
    // Clear defaults first so the partial unique index never sees two at once.
    if (keepIds.length) {
      await ctx.db.update(customerAddresses).set({ isDefault: false }).where(inArray(customerAddresses.id, keepIds));
    }
    for (const a of normalized) {
      const { id: addressId, ...fields } = a;
      if (addressId) {
        await ctx.db.update(customerAddresses).set(fields).where(and(eq(customerAddresses.id, addressId), eq(customerAddresses.orgId, ctx.orgId)));
      } else {
        await ctx.db.insert(customerAddresses).values({ ...fields, orgId: ctx.orgId, customerId: id });
      }
    }
    return getCustomer(ctx, id);
  });
}

export async function setCustomerEnabled(ctx: ServiceContext, raw: z.input<typeof SetEnabledInput>) {
  const input = SetEnabledInput.parse(raw);
  const [row] = await ctx.db
    .update(customers)
    .set({ enabled: input.enabled })
    .where(and(eq(customers.id, input.id), eq(customers.orgId, ctx.orgId)))
    .returning();
  if (!row) throw notFound("customer");
  return row;
}
