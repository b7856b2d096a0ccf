import { afterAll, describe, expect, it } from "vitest";
import { closeTestDb, createTestOrg, sessionCaller } from "../helpers/db";

afterAll(closeTestDb);

describe("smoke", () => {
  it("a new merchant gets the delivery methods", async () => {
    const org = await createTestOrg();
    const caller = sessionCaller(org.ownerId, org.orgId);
    const methods = await caller.deliveryMethods.list({});
    expect(methods.map((m) => m.name)).toEqual(["快递", "顺丰快递", "送货上门", "上门自取", "物流货运", "其他"]);
  });
});
