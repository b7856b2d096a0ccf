import { TRPCError } from "@trpc/server";
import { afterAll, describe, expect, it, vi } from "vitest";
import { GET as exportRoute } from "@/app/api/export/[entity]/route";
import { POST as trpcRoute } from "@/app/api/trpc/[trpc]/route";
import { CreateOrgInput, SignUpInput } from "@/lib/validators/auth";
import { UpdateProfileInput } from "@/lib/validators/account";
import { TRPC_MAX_BATCH, TRPC_MAX_BODY_BYTES } from "@/lib/trpc/limits";
import { handleOpenRequest } from "@/server/open/handler";
import { closeTestDb, newApiKey, sessionCaller, testDb } from "../helpers/db";
import { level, orderMerchant, simpleOrder } from "../integration/orders-fixtures";
import { inTransaction } from "@/server/context";
import { moveStock } from "@/server/services/inventory/ledger";
import { factory } from "../integration/production-helpers";

// next-auth cannot load outside Next; these routes are called without a session.
vi.mock("@/server/auth", () => ({ auth: async () => null }));

/**
 * Findings 11 and 15: inputs that gave a 500 (or were silently taken) instead of a clear field error.
 */

afterAll(closeTestDb);

type AppErr = { code: string; message: string; fieldErrors: Record<string, string> };
async function appError(p: Promise<unknown>): Promise<AppErr & { trpc: string }> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(TRPCError);
  const t = e as TRPCError;
  // The router's errorFormatter is what clients see; build the same payload the way it does.
  const { domainErrorPayload, zodErrorPayload } = await import("@/server/api/error-payload");
  const { DomainError } = await import("@/server/errors");
  const { ZodError } = await import("zod");
  const payload = t.cause instanceof DomainError ? domainErrorPayload(t.cause, "zh-CN") : t.cause instanceof ZodError ? zodErrorPayload(t.cause, "zh-CN") : null;
  expect(payload, `${t.code}: ${t.message}`).not.toBeNull();
  return { ...(payload as AppErr), trpc: t.code };
}

const open = async (body: string) => (await handleOpenRequest(testDb(), { body, headers: new Headers() })).body;

describe("finding 11: NUL bytes, amounts past numeric(18,4), export entity names", () => {
  it("a NUL anywhere in a tRPC input is a field error naming where it is", async () => {
    const m = await orderMerchant();
    const caller = sessionCaller(m.org.ownerId, m.org.orgId);
    const product = await appError(caller.products.create({ sku: "NUL-1", name: "T\u0000shirt", price: "1" }));
    expect(product).toMatchObject({ trpc: "BAD_REQUEST", fieldErrors: { name: expect.stringContaining("NUL") } });
    const order = await appError(caller.orders.create(simpleOrder({ lines: [{ sku: "00021002", quantity: "1", unitPrice: "1", remark: "gift\u0000" }] })));
    expect(Object.keys(order.fieldErrors)).toEqual(["lines.0.remark"]);
    const key = await appError(caller.customers.create({ clientNum: "N1", companyName: "Acme", ["x\u0000" as "contactName"]: "y" } as never));
    expect(Object.keys(key.fieldErrors)[0]).toContain("\\0");
  });

  it("a NUL in the open API or in an imported file is a clear refusal, not a 500", async () => {
    const m = await orderMerchant();
    const key = await newApiKey(m.org, "admin");
    const res = await open(JSON.stringify({ f: "createOrders", v: { sKey: key, client_num: "10331", remark: "a\u0000b", body: [{ options_goods_num: "00021002", orders_number: "1", orders_price: "1" }] } }));
    expect(res.rStatus).toBe(105);
    expect(res.message).toMatch(/remark/);
    const csv = Buffer.from("sku,name,price\nNUL-2,Bad\u0000name,1\n").toString("base64");
    const imported = await appError(sessionCaller(m.org.ownerId, m.org.orgId).products.import({ format: "csv", content: csv, commit: true }));
    expect(imported.fieldErrors.content).toMatch(/第 2 行第 2 列/);
  });

  it("line and order amounts that overflow numeric(18,4) after multiplication are field errors on the line", async () => {
    const m = await orderMerchant();
    const caller = sessionCaller(m.org.ownerId, m.org.orgId);
    const line = await appError(caller.orders.create(simpleOrder({ lines: [{ sku: "00021002", quantity: "99999999999999", unitPrice: "99999999999999" }] })));
    expect(line.trpc).toBe("BAD_REQUEST");
    expect(Object.keys(line.fieldErrors)).toEqual(["lines.0.unitPrice"]);
    expect(line.fieldErrors["lines.0.unitPrice"]).toContain("99999999999999.9999");
    const total = await appError(
      caller.orders.create(simpleOrder({ lines: [0, 1].map(() => ({ sku: "00021002", quantity: "60000000000000", unitPrice: "1" })) })),
    );
    expect(Object.keys(total.fieldErrors)).toEqual(["lines"]);
    // Editing runs the same checks.
    const made = await caller.orders.create(simpleOrder());
    const edit = await appError(caller.orders.update({ ...simpleOrder({ lines: [{ sku: "00021002", quantity: "99999999999999", unitPrice: "2" }] }), orderId: made.id }));
    expect(Object.keys(edit.fieldErrors)).toEqual(["lines.0.unitPrice"]);
  });

  it("stock balances and document totals past numeric(18,4) are field errors, not SQL overflow (receipts, adjustments, the ledger)", async () => {
    const m = await orderMerchant({ stock: {} });
    const caller = sessionCaller(m.org.ownerId, m.org.orgId);
    const BIG = "60000000000000"; // fits the column; two of them do not
    // A receipt whose lines each fit but whose total does not.
    const total = await appError(caller.inbound.create({ warehouseId: m.yw.id, lines: [{ sku: "00021002", expectedQty: BIG }, { sku: "00021003", expectedQty: BIG }] }));
    expect(total.trpc).toBe("BAD_REQUEST");
    expect(total.fieldErrors).toEqual({ lines: expect.stringContaining("99999999999999.9999") });
    // Receiving twice into one line: the line's received total would overflow.
    const r = await caller.inbound.create({ warehouseId: m.yw.id, lines: [{ sku: "00021002", expectedQty: "99999999999999" }] });
    await caller.inbound.submit({ id: r.id });
    const lineId = (await caller.inbound.byId({ id: r.id })).lines[0]!.id;
    await caller.inbound.receive({ id: r.id, lines: [{ lineId, qty: BIG }] });
    const again = await appError(caller.inbound.receive({ id: r.id, lines: [{ lineId, qty: BIG }] }));
    expect(Object.keys(again.fieldErrors)).toEqual(["lines.0.qty"]);
    // The warehouse's balance: adjusting on top of it would overflow on hand.
    const adjust = await appError(caller.inventory.adjust({ productId: m.productId("00021002"), warehouseId: m.yw.id, quantity: BIG, reason: "found" }));
    expect(adjust.trpc).toBe("BAD_REQUEST");
    expect(adjust.fieldErrors).toEqual({ quantity: expect.stringMatching(/00021002.*WH-YW.*99999999999999\.9999/) });
    // Receiving another receipt's line into it: the error is on that line, and nothing was received.
    const r2 = await caller.inbound.create({ warehouseId: m.yw.id, lines: [{ sku: "00021003", expectedQty: "1" }, { sku: "00021002", expectedQty: "1" }] });
    await caller.inbound.submit({ id: r2.id });
    const lines2 = (await caller.inbound.byId({ id: r2.id })).lines;
    const id2 = (sku: string) => lines2.find((l) => l.sku === sku)!.id;
    const into = await appError(caller.inbound.receive({ id: r2.id, lines: [{ lineId: id2("00021003"), qty: "5" }, { lineId: id2("00021002"), qty: BIG }] }));
    expect(Object.keys(into.fieldErrors)).toEqual(["lines.1.qty"]);
    expect((await level(m.org.orgId, m.productId("00021003"), m.yw.id)).onHand.toFixed()).toBe("0");
    expect((await level(m.org.orgId, m.productId("00021002"), m.yw.id)).onHand.toFixed()).toBe(BIG);
    // The ledger itself, for any caller: a quantity past the column is refused before any statement.
    const ledger = await inTransaction(m.ctx, (tx) =>
      moveStock(tx, { productId: m.productId("00031003"), warehouseId: m.sz.id, kind: "opening", onHandDelta: "1000000000000000", refType: "opening" }),
    ).catch((e: unknown) => e);
    expect(ledger).toMatchObject({ code: "VALIDATION", fieldErrors: { quantity: { key: "stockTooLarge" } } });
  });

  it("export entity names that are Object.prototype's own keys are unknown exports (404), not a crash", async () => {
    const m = await orderMerchant();
    const key = await newApiKey(m.org, "viewer");
    for (const entity of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
      const res = await exportRoute(new Request(`http://test.local/api/export/${entity}?format=csv`, { headers: { authorization: `Bearer ${key}` } }), { params: Promise.resolve({ entity }) });
      expect(res.status).toBe(404);
    }
  });
});

describe("finding 15: invisible names, scheme-relative image URLs, tRPC limits, duplicate JSON keys, untranslated errors", () => {
  it("names with nothing visible, or with bidi controls, are refused by the one name schema (products, customers, warehouses, merchants, users)", async () => {
    const m = await orderMerchant();
    const caller = sessionCaller(m.org.ownerId, m.org.orgId);
    for (const name of ["\u200b\u200b", "\u3164", "\u2800", "\u202e\u202c", "\u2066\u2069", "\ufeff", "\u0301"]) {
      const p = await appError(caller.products.create({ sku: `INV-${name.codePointAt(0)}`, name, price: "1" }));
      expect(Object.keys(p.fieldErrors)).toEqual(["name"]);
    }
    expect((await appError(caller.products.create({ sku: "BIDI-1", name: "shirt\u202egnp.exe", price: "1" }))).fieldErrors.name).toMatch(/方向/);
    expect(Object.keys((await appError(caller.customers.create({ clientNum: "INV1", companyName: "\u200d\u200c" }))).fieldErrors)).toEqual(["companyName"]);
    expect(Object.keys((await appError(caller.warehouses.create({ code: "INV-WH", name: "\u2063" }))).fieldErrors)).toEqual(["name"]);
    for (const schema of [UpdateProfileInput, CreateOrgInput.pick({ name: true })]) {
      expect(schema.safeParse({ name: "\u200b" }).error?.issues[0]?.message).toBe("nameInvisible");
    }
    expect(SignUpInput.shape.name.safeParse("\u202e").success).toBe(false);
    // Real names in any script still pass, marks and all.
    for (const name of ["纯棉T恤", "Café crème", "नमस्ते", "עברית", "Ünïcödé"]) {
      expect(UpdateProfileInput.safeParse({ name }).success).toBe(true);
    }
  });

  it("an image URL must be http(s) or a path of this site: //host and /\\host are refused", async () => {
    const m = await orderMerchant();
    const caller = sessionCaller(m.org.ownerId, m.org.orgId);
    for (const imageUrl of ["//evil.example/x.png", "/\\evil.example/x.png", "\\\\evil.example/x.png", "javascript:alert(1)", "https://"]) {
      const e = await appError(caller.products.create({ sku: `IMG-${imageUrl.length}`, name: "Img", price: "1", imageUrl }));
      expect(Object.keys(e.fieldErrors)).toEqual(["imageUrl"]);
    }
    await caller.products.create({ sku: "IMG-OK1", name: "Img", price: "1", imageUrl: "/images/tee.png" });
    await caller.products.create({ sku: "IMG-OK2", name: "Img", price: "1", imageUrl: "https://cdn.example.com/tee.png" });
  });

  it("the tRPC route refuses a body over its limit (413) and a batch over its length (400), each with a clear message", async () => {
    const tooMany = Array.from({ length: TRPC_MAX_BATCH + 1 }, () => "products.list").join(",");
    const batch = await trpcRoute(new Request(`http://test.local/api/trpc/${tooMany}?batch=1`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }));
    expect(batch.status).toBe(400);
    const batchBody = (await batch.json()) as { error: { message: string } }[];
    expect(batchBody).toHaveLength(TRPC_MAX_BATCH + 1);
    expect(batchBody[0]!.error.message).toContain(String(TRPC_MAX_BATCH));

    const huge = `{"0":{"json":{"content":"${"A".repeat(TRPC_MAX_BODY_BYTES)}"}}}`;
    const big = await trpcRoute(new Request("http://test.local/api/trpc/products.import?batch=1", { method: "POST", headers: { "content-type": "application/json" }, body: huge }));
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { message: string } }[])[0]!.error.message).toMatch(/21 MB/);
  });

  it("duplicate keys in an open-API body are refused, naming the key (nested too), never silently taking the last", async () => {
    const m = await orderMerchant();
    const key = await newApiKey(m.org, "admin");
    const line = '{"options_goods_num":"00021002","orders_number":"1","orders_price":"1"}';
    const top = await open(`{"f":"createOrders","v":{"sKey":"${key}","client_num":"10331","status":"pending","status":"stock_up","body":[${line}]}}`);
    expect(top.rStatus).toBe(101);
    expect(top.message).toContain("v.status");
    const nested = await open(`{"f":"createOrders","v":{"sKey":"${key}","client_num":"10331","body":[{"options_goods_num":"00021002","orders_number":"1","orders_number":"100","orders_price":"1"}]}}`);
    expect(nested.rStatus).toBe(101);
    expect(nested.message).toContain("v.body[0].orders_number");
    const first = await open(`{"f":"getStock","f":"createOrders","v":{"sKey":"${key}"}}`);
    expect(first.rStatus).toBe(101);
    // Equal keys in different objects are fine.
    expect((await open(`{"f":"createOrders","v":{"sKey":"${key}","client_num":"10331","body":[${line},${line}]}}`)).rStatus).toBe(100);
  });

  it("a field error raised without a field label (operationNotInRoute) reads translated, naming the field", async () => {
    const f = await factory();
    const other = await factory();
    const e = await appError(
      sessionCaller(f.org.ownerId, f.org.orgId).production.mapping.save({ routeId: f.route.id, programmeId: f.programme.id, entries: [{ operationId: other.ops.CUT!, stageId: f.stage("CUTTING") }] }),
    );
    expect(e.message).not.toContain("operationNotInRoute");
    expect(e.message).toContain("工序");
    expect(e.fieldErrors["entries.0.operationId"]).toContain("工序");
  });
});
