import {
  buildSchema,
  getNamedType,
  isLeafType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";

/**
 * The part of the Shopify Admin GraphQL schema (2026-10) the simulator serves, written from shopify.dev's
 * reference pages. Queries are parsed and validated against it with the `graphql` reference
 * implementation, so a field or argument Shopify does not have is refused the way Shopify refuses it,
 * and executed with it, so a response holds exactly what was asked for.
 *
 * Shopify Payments (payouts and balance transactions, "Requires … access to payouts"): the fields the
 * shopify.dev ShopifyPaymentsBalanceTransaction / ShopifyPaymentsPayout pages list that the connector uses.
 *
 * Removed since 2026-04 (and so absent here): `InventorySetQuantitiesInput.ignoreCompareQuantity` and
 * `InventoryQuantityInput.compareQuantity` (replaced by `changeFromQuantity`, which must be given per
 * quantity — `null` to opt out of the compare-and-set check).
 */
export const ADMIN_SDL = /* GraphQL */ `
  directive @idempotent(key: String!) on FIELD

  scalar DateTime
  scalar Decimal
  scalar URL

  type Query {
    shop: Shop!
    locations(first: Int, last: Int, after: String, before: String): LocationConnection!
    orders(first: Int, last: Int, after: String, before: String, query: String, sortKey: OrderSortKeys, reverse: Boolean): OrderConnection!
    order(id: ID!): Order
    fulfillmentOrder(id: ID!): FulfillmentOrder
    productVariants(first: Int, last: Int, after: String, before: String, query: String): ProductVariantConnection!
    inventoryItem(id: ID!): InventoryItem
    shopifyPaymentsAccount: ShopifyPaymentsAccount
  }

  type Mutation {
    fulfillmentCreate(fulfillment: FulfillmentInput!, message: String): FulfillmentCreatePayload
    inventorySetQuantities(input: InventorySetQuantitiesInput!): InventorySetQuantitiesPayload
    webhookSubscriptionCreate(topic: WebhookSubscriptionTopic!, webhookSubscription: WebhookSubscriptionInput!): WebhookSubscriptionCreatePayload
  }

  type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }

  type Shop { id: ID! name: String! myshopifyDomain: String! email: String currencyCode: String! }

  type Location { id: ID! name: String! isActive: Boolean! }
  type LocationEdge { cursor: String! node: Location! }
  type LocationConnection { nodes: [Location!]! edges: [LocationEdge!]! pageInfo: PageInfo! }

  enum OrderSortKeys { CREATED_AT ID NUMBER PROCESSED_AT TOTAL_PRICE UPDATED_AT }
  enum OrderDisplayFinancialStatus { AUTHORIZED EXPIRED PAID PARTIALLY_PAID PARTIALLY_REFUNDED PENDING REFUNDED VOIDED }
  enum OrderDisplayFulfillmentStatus { FULFILLED IN_PROGRESS ON_HOLD OPEN PARTIALLY_FULFILLED PENDING_FULFILLMENT REQUEST_DECLINED RESTOCKED SCHEDULED UNFULFILLED }

  type MoneyV2 { amount: Decimal! currencyCode: String! }
  type MoneyBag { shopMoney: MoneyV2! presentmentMoney: MoneyV2! }

  type Customer { id: ID! displayName: String! firstName: String lastName: String }

  type MailingAddress {
    name: String firstName: String lastName: String company: String phone: String
    address1: String address2: String city: String province: String provinceCode: String
    country: String countryCodeV2: String zip: String
  }

  type ShippingLine { id: ID title: String! code: String }
  type ShippingLineEdge { cursor: String! node: ShippingLine! }
  type ShippingLineConnection { nodes: [ShippingLine!]! edges: [ShippingLineEdge!]! pageInfo: PageInfo! }

  type Order {
    id: ID! name: String! createdAt: DateTime! updatedAt: DateTime! cancelledAt: DateTime closed: Boolean!
    displayFinancialStatus: OrderDisplayFinancialStatus displayFulfillmentStatus: OrderDisplayFulfillmentStatus!
    currencyCode: String! totalPriceSet: MoneyBag! email: String note: String
    customer: Customer shippingAddress: MailingAddress
    shippingLine: ShippingLine
    shippingLines(first: Int, last: Int, after: String, before: String): ShippingLineConnection!
    lineItems(first: Int, last: Int, after: String, before: String): LineItemConnection!
    fulfillments(first: Int): [Fulfillment!]!
    fulfillmentOrders(first: Int, last: Int, after: String, before: String): FulfillmentOrderConnection!
  }
  type OrderEdge { cursor: String! node: Order! }
  type OrderConnection { nodes: [Order!]! edges: [OrderEdge!]! pageInfo: PageInfo! }

  type LineItem {
    id: ID! sku: String title: String! name: String! quantity: Int! currentQuantity: Int!
    originalUnitPriceSet: MoneyBag! variant: ProductVariant
  }
  type LineItemEdge { cursor: String! node: LineItem! }
  type LineItemConnection { nodes: [LineItem!]! edges: [LineItemEdge!]! pageInfo: PageInfo! }

  type ProductVariant { id: ID! sku: String title: String! inventoryItem: InventoryItem! }
  type ProductVariantEdge { cursor: String! node: ProductVariant! }
  type ProductVariantConnection { nodes: [ProductVariant!]! edges: [ProductVariantEdge!]! pageInfo: PageInfo! }

  type InventoryItem { id: ID! sku: String tracked: Boolean! inventoryLevel(locationId: ID!): InventoryLevel }
  type InventoryLevel { id: ID! location: Location! quantities(names: [String!]!): [InventoryQuantity!]! }
  type InventoryQuantity { name: String! quantity: Int! }

  type FulfillmentTrackingInfo { number: String company: String url: URL }
  type FulfillmentLineItem { id: ID! quantity: Int lineItem: LineItem! }
  type FulfillmentLineItemEdge { cursor: String! node: FulfillmentLineItem! }
  type FulfillmentLineItemConnection { nodes: [FulfillmentLineItem!]! edges: [FulfillmentLineItemEdge!]! pageInfo: PageInfo! }
  enum FulfillmentStatus { CANCELLED ERROR FAILURE SUCCESS OPEN PENDING }
  type Fulfillment {
    id: ID! status: FulfillmentStatus! createdAt: DateTime!
    trackingInfo(first: Int): [FulfillmentTrackingInfo!]!
    fulfillmentLineItems(first: Int, last: Int, after: String, before: String): FulfillmentLineItemConnection!
  }

  enum FulfillmentOrderStatus { CANCELLED CLOSED INCOMPLETE IN_PROGRESS ON_HOLD OPEN SCHEDULED }
  type FulfillmentOrderAssignedLocation { name: String! location: Location }
  type FulfillmentOrderLineItem { id: ID! totalQuantity: Int! remainingQuantity: Int! lineItem: LineItem! }
  type FulfillmentOrderLineItemEdge { cursor: String! node: FulfillmentOrderLineItem! }
  type FulfillmentOrderLineItemConnection { nodes: [FulfillmentOrderLineItem!]! edges: [FulfillmentOrderLineItemEdge!]! pageInfo: PageInfo! }
  type FulfillmentOrder {
    id: ID! status: FulfillmentOrderStatus! assignedLocation: FulfillmentOrderAssignedLocation!
    lineItems(first: Int, last: Int, after: String, before: String): FulfillmentOrderLineItemConnection!
  }
  type FulfillmentOrderEdge { cursor: String! node: FulfillmentOrder! }
  type FulfillmentOrderConnection { nodes: [FulfillmentOrder!]! edges: [FulfillmentOrderEdge!]! pageInfo: PageInfo! }

  type UserError { field: [String!] message: String! }

  enum ShopifyPaymentsPayoutStatus { CANCELED FAILED IN_TRANSIT PAID SCHEDULED }
  enum ShopifyPaymentsPayoutTransactionType { DEPOSIT WITHDRAWAL }
  type ShopifyPaymentsPayout { id: ID! issuedAt: DateTime! status: ShopifyPaymentsPayoutStatus! net: MoneyV2! transactionType: ShopifyPaymentsPayoutTransactionType! }
  type ShopifyPaymentsPayoutEdge { cursor: String! node: ShopifyPaymentsPayout! }
  type ShopifyPaymentsPayoutConnection { nodes: [ShopifyPaymentsPayout!]! edges: [ShopifyPaymentsPayoutEdge!]! pageInfo: PageInfo! }
  enum ShopifyPaymentsTransactionType { ADJUSTMENT CHARGE DISPUTE PAYOUT REFUND RESERVED_FUNDS }
  enum ShopifyPaymentsBalanceTransactionPayoutStatus { ACTION_REQUIRED CANCELED FAILED IN_TRANSIT PAID PENDING SCHEDULED }
  type ShopifyPaymentsAssociatedOrder { id: ID! name: String! }
  type ShopifyPaymentsBalanceTransactionAssociatedPayout { id: ID status: ShopifyPaymentsBalanceTransactionPayoutStatus }
  type ShopifyPaymentsBalanceTransaction {
    id: ID! type: ShopifyPaymentsTransactionType! test: Boolean! transactionDate: DateTime!
    amount: MoneyV2! fee: MoneyV2! net: MoneyV2!
    associatedOrder: ShopifyPaymentsAssociatedOrder associatedPayout: ShopifyPaymentsBalanceTransactionAssociatedPayout!
  }
  type ShopifyPaymentsBalanceTransactionEdge { cursor: String! node: ShopifyPaymentsBalanceTransaction! }
  type ShopifyPaymentsBalanceTransactionConnection { nodes: [ShopifyPaymentsBalanceTransaction!]! edges: [ShopifyPaymentsBalanceTransactionEdge!]! pageInfo: PageInfo! }
  type ShopifyPaymentsAccount {
    id: ID!
    payouts(first: Int, last: Int, after: String, before: String, query: String, reverse: Boolean): ShopifyPaymentsPayoutConnection!
    balanceTransactions(first: Int, last: Int, after: String, before: String, query: String, reverse: Boolean): ShopifyPaymentsBalanceTransactionConnection!
  }

  input FulfillmentOrderLineItemInput { id: ID! quantity: Int! }
  input FulfillmentOrderLineItemsInput { fulfillmentOrderId: ID! fulfillmentOrderLineItems: [FulfillmentOrderLineItemInput!] }
  input FulfillmentTrackingInput { number: String numbers: [String!] company: String url: URL urls: [URL!] }
  input FulfillmentOriginAddressInput { address1: String address2: String city: String zip: String provinceCode: String countryCode: String! }
  input FulfillmentInput {
    lineItemsByFulfillmentOrder: [FulfillmentOrderLineItemsInput!]!
    notifyCustomer: Boolean trackingInfo: FulfillmentTrackingInput originAddress: FulfillmentOriginAddressInput
  }
  type FulfillmentCreatePayload { fulfillment: Fulfillment userErrors: [UserError!]! }

  input InventoryQuantityInput { inventoryItemId: ID! locationId: ID! quantity: Int! changeFromQuantity: Int }
  input InventorySetQuantitiesInput { name: String! reason: String! referenceDocumentUri: String quantities: [InventoryQuantityInput!]! }
  enum InventorySetQuantitiesUserErrorCode {
    CHANGE_FROM_QUANTITY_STALE CHANGE_FROM_QUANTITY_REQUIRED INVALID_INVENTORY_ITEM INVALID_LOCATION INVALID_NAME
    INVALID_QUANTITY_NEGATIVE INVALID_REASON ITEM_NOT_STOCKED_AT_LOCATION IDEMPOTENCY_KEY_REQUIRED
  }
  type InventorySetQuantitiesUserError { code: InventorySetQuantitiesUserErrorCode field: [String!] message: String! }
  type InventoryAdjustmentGroup { id: ID! reason: String! createdAt: DateTime! }
  type InventorySetQuantitiesPayload { inventoryAdjustmentGroup: InventoryAdjustmentGroup userErrors: [InventorySetQuantitiesUserError!]! }

  enum WebhookSubscriptionTopic {
    APP_UNINSTALLED ORDERS_CREATE ORDERS_UPDATED ORDERS_CANCELLED ORDERS_PAID ORDERS_FULFILLED ORDERS_PARTIALLY_FULFILLED
    FULFILLMENTS_CREATE INVENTORY_LEVELS_UPDATE CUSTOMERS_DATA_REQUEST CUSTOMERS_REDACT SHOP_REDACT
  }
  enum WebhookSubscriptionFormat { JSON XML }
  input WebhookSubscriptionInput { callbackUrl: URL format: WebhookSubscriptionFormat includeFields: [String!] }
  type WebhookSubscription { id: ID! topic: WebhookSubscriptionTopic! }
  type WebhookSubscriptionCreatePayload { webhookSubscription: WebhookSubscription userErrors: [UserError!]! }
`;

export const adminSchema = buildSchema(ADMIN_SDL);

/** API versions the simulator serves; older ones were removed by Shopify (a version lives 12 months). */
export const SUPPORTED_API_VERSIONS = ["2026-04", "2026-07", "2026-10", "2027-01", "unstable"];

/** Shopify's single-query ceiling on the requested cost. */
export const MAX_QUERY_COST = 1000;
export const MUTATION_COST = 10;
/** Shopify refuses a connection asked for more than 250 nodes. */
export const MAX_CONNECTION_SIZE = 250;

export class CostError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

type Vars = Record<string, unknown>;

function argValue(node: ValueNode | undefined, vars: Vars): unknown {
  if (!node) return undefined;
  switch (node.kind) {
    case Kind.VARIABLE:
      return vars[node.name.value];
    case Kind.INT:
      return Number(node.value);
    case Kind.NULL:
      return null;
    default:
      return undefined;
  }
}

const isConnection = (t: GraphQLObjectType) => t.name.endsWith("Connection");

type Ctx = { vars: Vars; fragments: Map<string, FragmentDefinitionNode> };

function fieldsOf(set: SelectionSetNode | undefined, ctx: Ctx): FieldNode[] {
  const out: FieldNode[] = [];
  for (const sel of set?.selections ?? []) {
    if (sel.kind === Kind.FIELD) out.push(sel);
    else if (sel.kind === Kind.INLINE_FRAGMENT) out.push(...fieldsOf(sel.selectionSet, ctx));
    else {
      const frag = ctx.fragments.get(sel.name.value);
      if (frag) out.push(...fieldsOf(frag.selectionSet, ctx));
    }
  }
  return out;
}

/** The `first`/`last` of a connection field: required, 1…250, as Shopify enforces. */
function connectionSize(field: FieldNode, ctx: Ctx): number {
  const arg = (name: string) => argValue(field.arguments?.find((a) => a.name.value === name)?.value, ctx.vars);
  const n = arg("first") ?? arg("last");
  if (n === undefined || n === null) throw new CostError(`you must provide one of first or last (${field.name.value})`, "BAD_REQUEST");
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > MAX_CONNECTION_SIZE) {
    throw new CostError(`The value of first/last on ${field.name.value} must be between 0 and ${MAX_CONNECTION_SIZE}, got ${String(n)}`, "BAD_REQUEST");
  }
  return n;
}

/**
 * Requested cost as shopify.dev documents it: a scalar or enum 0, an object 1, a connection
 * 2 + (first|last) × the cost of one node with everything selected under it (nested connections
 * multiply), a mutation 10. `data` given → the actual cost: connections count the nodes returned.
 */
function selectionCost(set: SelectionSetNode | undefined, type: GraphQLObjectType, ctx: Ctx, data?: unknown): number {
  let total = 0;
  for (const field of fieldsOf(set, ctx)) {
    const name = field.name.value;
    if (name.startsWith("__")) continue;
    const def = type.getFields()[name];
    if (!def) continue;
    const named = getNamedType(def.type);
    if (isLeafType(named) || !isObjectType(named)) continue;
    const key = field.alias?.value ?? name;
    const value = data === undefined ? undefined : (data as Record<string, unknown> | null)?.[key];
    if (isConnection(named)) {
      const size = connectionSize(field, ctx);
      if (data !== undefined) {
        const conn = value as { nodes?: unknown[]; edges?: { node: unknown }[] } | null;
        if (!conn) continue;
        const nodes = (conn.nodes ?? conn.edges?.map((e) => e.node) ?? []) as unknown[];
        total += 2 + nodes.reduce<number>((s, n) => s + connectionNodeCost(field, named, ctx, n), 0);
      } else total += 2 + size * connectionNodeCost(field, named, ctx);
      continue;
    }
    if (data !== undefined) {
      if (value === null || value === undefined) continue;
      const items = Array.isArray(value) ? value : [value];
      total += items.length ? 1 + Math.max(...items.map((v) => selectionCost(field.selectionSet, named, ctx, v))) : 0;
    } else total += 1 + selectionCost(field.selectionSet, named, ctx);
  }
  return total;
}

/** One node of a connection: the node object (1) plus what is selected under it (via nodes or edges.node). */
function connectionNodeCost(field: FieldNode, conn: GraphQLObjectType, ctx: Ctx, data?: unknown): number {
  let best = 0;
  for (const sub of fieldsOf(field.selectionSet, ctx)) {
    if (sub.name.value === "nodes") {
      const nodeType = getNamedType(conn.getFields().nodes!.type) as GraphQLObjectType;
      best = Math.max(best, 1 + selectionCost(sub.selectionSet, nodeType, ctx, data));
    } else if (sub.name.value === "edges") {
      const edgeType = getNamedType(conn.getFields().edges!.type) as GraphQLObjectType;
      const nodeField = fieldsOf(sub.selectionSet, ctx).find((f) => f.name.value === "node");
      const nodeType = getNamedType(edgeType.getFields().node!.type) as GraphQLObjectType;
      best = Math.max(best, 1 + (nodeField ? selectionCost(nodeField.selectionSet, nodeType, ctx, data) : 0));
    }
  }
  return best;
}

export function queryCost(op: OperationDefinitionNode, fragments: FragmentDefinitionNode[], vars: Vars, data?: unknown): number {
  const ctx: Ctx = { vars, fragments: new Map(fragments.map((f) => [f.name.value, f])) };
  if (op.operation === "mutation") return fieldsOf(op.selectionSet, ctx).length * MUTATION_COST;
  return selectionCost(op.selectionSet, adminSchema.getQueryType()!, ctx, data);
}

export function maxCostMessage(cost: number) {
  return (
    `Query cost is ${cost}, which exceeds the single query max cost limit (${MAX_QUERY_COST}).\n\n` +
    "See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\n" +
    "cost of a query is calculated.\n\n" +
    "To query larger amounts of data with fewer limits, bulk operations should be used instead.\n" +
    "See https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n"
  );
}
