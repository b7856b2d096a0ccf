import http from "node:http";
import type { AddressInfo } from "node:net";
import { and, desc, eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { outbox, productionUpstreamReports } from "@/db/schema";
import { UPSTREAM_TOPIC } from "@/lib/production/status";
import { DomainError } from "@/server/errors";
import {
  guardedFetch,
  OutboundError,
  outboundPolicy,
  type LookupFn,
  type OutboundPolicy,
} from "@/server/outbound/guarded-fetch";
import { createPlan, transitionPlan } from "@/server/services/production/plans";
import { updateProgramme } from "@/server/services/production/programmes";
import { recordWorkReport } from "@/server/services/production/work-reports";
import { amazonEndpoints } from "@/server/channels/amazon/config";
import { createAccount } from "@/server/services/channels/accounts";
import { closeTestDb, createTestOrg, svcCtx, testDb, uid } from "../helpers/db";
import { drainOutboxOf } from "../integration/channels-kit";
import { factory } from "../integration/production-helpers";
import { withEnv } from "./kit";

/**
 * Finding 3 (SSRF): calls to merchant-typed URLs go through one guarded client. These run the real
 * client against real local servers; names that must resolve to private addresses use the client's
 * lookup seam, never a mock of the client.
 */

type Local = {
  url: string;
  origin: string;
  port: number;
  hits: http.IncomingMessage[];
  close: () => Promise<void>;
};

const servers: Local[] = [];
async function localServer(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void,
): Promise<Local> {
  const hits: http.IncomingMessage[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req);
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as AddressInfo).port;
  const local = {
    url: `http://127.0.0.1:${port}/hook`,
    origin: `http://127.0.0.1:${port}`,
    port,
    hits,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
  servers.push(local);
  return local;
}
const ok =
  (body = '{"code":0}') =>
  (_req: http.IncomingMessage, res: http.ServerResponse) =>
    res.writeHead(200, { "content-type": "application/json" }).end(body);

const PRODUCTION: OutboundPolicy = outboundPolicy({ NODE_ENV: "production" });
const DEVELOPMENT: OutboundPolicy = outboundPolicy({ NODE_ENV: "development" });
const resolvesTo =
  (...addresses: string[]): LookupFn =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));

async function refusal(p: Promise<unknown>): Promise<OutboundError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(OutboundError);
  return e as OutboundError;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(closeTestDb);

describe("finding 3: the guarded outbound client", () => {
  it("the runtime modes: development allows local servers; production is https to public addresses only; demo trusts only the simulators' origins", () => {
    expect(DEVELOPMENT).toMatchObject({ httpsOnly: false, allowPrivateAddresses: true });
    expect(PRODUCTION).toEqual({ httpsOnly: true, allowPrivateAddresses: false, trustedOrigins: [] });
    const demo = outboundPolicy({
      NODE_ENV: "production",
      MANIFOLD_SIMULATORS: "1",
      MANIFOLD_SIMULATOR_PORT: "5000",
    });
    expect(demo.allowPrivateAddresses).toBe(false);
    expect(demo.trustedOrigins).toEqual([
      "http://127.0.0.1:5000",
      "http://127.0.0.1:5001",
      "http://127.0.0.1:5002",
      "http://127.0.0.1:5003",
      "http://127.0.0.1:5004",
    ]);
  });

  it("production refuses loopback (http and https, every spelling) before connecting", async () => {
    const s = await localServer(ok());
    for (const url of [
      s.url,
      `https://127.0.0.1:${s.port}/`,
      `https://localhost:${s.port}/`,
      `https://2130706433:${s.port}/`,
      `https://0x7f.1:${s.port}/`,
      `https://[::1]:${s.port}/`,
      `https://[::ffff:127.0.0.1]:${s.port}/`,
    ]) {
      const e = await refusal(
        guardedFetch(url, {
          policy: PRODUCTION,
          lookup: url.includes("localhost") ? resolvesTo("127.0.0.1", "::1") : undefined,
        }),
      );
      expect(e.kind).toBe("refused");
    }
    expect((await refusal(guardedFetch(s.url, { policy: PRODUCTION }))).message).toMatch(/only https/);
    expect(
      (await refusal(guardedFetch(`https://127.0.0.1:${s.port}/`, { policy: PRODUCTION }))).message,
    ).toMatch(/loopback/);
    expect(s.hits).toHaveLength(0);
  });

  it("production refuses a hostname that resolves to a private, link-local, metadata, CGNAT, multicast or unspecified address (IPv4 and IPv6)", async () => {
    const cases: [string, RegExp][] = [
      ["10.1.2.3", /private/],
      ["192.168.0.10", /private/],
      ["172.16.5.4", /private/],
      ["169.254.169.254", /linkLocal/],
      ["100.100.100.200", /carrierGradeNat/],
      ["224.0.0.1", /multicast/],
      ["0.0.0.0", /unspecified/],
      ["::1", /loopback/],
      ["::ffff:10.0.0.1", /private/],
      ["::ffff:169.254.169.254", /linkLocal/],
      ["::7f00:1", /ipv4Compatible/],
      ["fd00:ec2::254", /uniqueLocal/],
      ["fe80::1", /linkLocal/],
      ["ff02::1", /multicast/],
      ["::", /unspecified/],
      ["64:ff9b::a00:1", /rfc6052/],
    ];
    for (const [address, reason] of cases) {
      const e = await refusal(
        guardedFetch("https://erp.example.com/progress", { policy: PRODUCTION, lookup: resolvesTo(address) }),
      );
      expect(e.kind).toBe("refused");
      expect(e.message).toMatch(reason);
      expect(e.message).toContain(address);
    }
    // One private address among public ones is enough to refuse: the connection could land on either.
    expect(
      (
        await refusal(
          guardedFetch("https://erp.example.com/", {
            policy: PRODUCTION,
            lookup: resolvesTo("93.184.215.14", "127.0.0.1"),
          }),
        )
      ).kind,
    ).toBe("refused");
    // Literal addresses are judged the same way.
    for (const url of [
      "https://169.254.169.254/latest/meta-data/",
      "https://[fd00::1]/",
      "https://[::ffff:a9fe:a9fe]/",
      "https://100.64.0.1/",
    ]) {
      expect((await refusal(guardedFetch(url, { policy: PRODUCTION }))).kind).toBe("refused");
    }
  });

  it("connects to the address it checked: a resolver that changes its answer (DNS rebinding) is asked once per hop", async () => {
    const s = await localServer(ok());
    const answers = ["127.0.0.1", "10.255.255.1"];
    let calls = 0;
    const rebinding: LookupFn = async () => [{ address: answers[Math.min(calls++, 1)]!, family: 4 }];
    const res = await guardedFetch(`http://factory.test:${s.port}/hook`, {
      policy: DEVELOPMENT,
      lookup: rebinding,
    });
    expect(res.status).toBe(200);
    expect(calls).toBe(1);
    expect(s.hits[0]!.headers.host).toBe(`factory.test:${s.port}`);
  });

  it("re-checks every redirect hop, bounds the hops, and drops origin-bound headers when a redirect leaves the origin", async () => {
    const inside = await localServer(ok());
    const front = await localServer((_req, res) =>
      res.writeHead(302, { location: `${inside.origin}/admin` }).end(),
    );
    const trustedFront: OutboundPolicy = {
      httpsOnly: true,
      allowPrivateAddresses: false,
      trustedOrigins: [front.origin],
    };
    const e = await refusal(guardedFetch(front.url, { method: "POST", body: "{}", policy: trustedFront }));
    expect(e.kind).toBe("refused");
    expect(front.hits).toHaveLength(1);
    expect(inside.hits).toHaveLength(0);

    const loop = await localServer((req, res) => res.writeHead(307, { location: req.url }).end());
    const tooMany = await refusal(guardedFetch(loop.url, { policy: DEVELOPMENT, maxRedirects: 3 }));
    expect(tooMany.kind).toBe("redirects");
    expect(loop.hits).toHaveLength(4);

    const other = await localServer(ok());
    const hop = await localServer((_req, res) =>
      res.writeHead(307, { location: `http://localhost:${other.port}/x` }).end(),
    );
    const res = await guardedFetch(hop.url, {
      method: "POST",
      body: "{}",
      headers: { authorization: "Bearer t", "x-tt-signature": "sig", "content-type": "application/json" },
      originBoundHeaders: ["x-tt-signature"],
      policy: DEVELOPMENT,
      lookup: resolvesTo("127.0.0.1"),
    });
    expect(res.status).toBe(200);
    expect(other.hits[0]!.method).toBe("POST");
    expect(other.hits[0]!.headers.authorization).toBeUndefined();
    expect(other.hits[0]!.headers["x-tt-signature"]).toBeUndefined();
  });

  it("gives up at the deadline and at the size cap", async () => {
    const hang = await localServer(() => {});
    const t = await refusal(guardedFetch(hang.url, { policy: DEVELOPMENT, timeoutMs: 300 }));
    expect(t.kind).toBe("timeout");
    const big = await localServer((_req, res) => res.writeHead(200).end("x".repeat(200_000)));
    const l = await refusal(guardedFetch(big.url, { policy: DEVELOPMENT, maxBytes: 1024 }));
    expect(l.kind).toBe("tooLarge");
  });
});

describe("finding 3: upstream reports use the guarded client and keep only an excerpt", () => {
  async function plannedFactory(endpointUrl: string) {
    const f = await factory({ map: true });
    await updateProgramme(f.ctx, {
      id: f.programme.id,
      name: "天天工厂",
      endpointUrl,
      appKey: "k",
      appSecret: "s",
    });
    const plan = await createPlan(f.ctx, { sku: "TEE", quantity: "10" });
    await transitionPlan(f.ctx, { id: plan.id, action: "release" });
    await recordWorkReport(f.ctx, {
      planId: plan.id,
      operationId: f.ops.CUT!,
      goodQty: "1",
      operator: "张三",
    });
    await testDb()
      .update(outbox)
      .set({ availableAt: sql`now() - interval '1 second'` })
      .where(
        and(eq(outbox.orgId, f.org.orgId), eq(outbox.topic, UPSTREAM_TOPIC), eq(outbox.status, "pending")),
      );
    // Only this merchant's events: the database is shared with test files running at the same time.
    return { f, plan };
  }
  const lastReport = async (planId: string) =>
    (
      await testDb()
        .select()
        .from(productionUpstreamReports)
        .where(eq(productionUpstreamReports.planId, planId))
        .orderBy(desc(productionUpstreamReports.version))
    )[0]!;

  beforeAll(() => {
    process.env.UPSTREAM_TIMEOUT_MS = "2000";
  });

  it("in production, a programme endpoint on loopback is refused (final, nothing sent) and an http endpoint cannot be saved", async () => {
    const s = await localServer(ok('{"code":0,"applied":true}'));
    const { f, plan } = await plannedFactory(s.url);
    await withEnv({ NODE_ENV: "production", MANIFOLD_SIMULATORS: undefined }, async () => {
      await drainOutboxOf(f.org.orgId, 1);
      const saved = await updateProgramme(f.ctx, {
        id: f.programme.id,
        name: "天天工厂",
        endpointUrl: s.url,
        appKey: "k",
      }).catch((e: unknown) => e);
      expect(saved).toBeInstanceOf(DomainError);
      expect((saved as DomainError).fieldErrors?.endpointUrl?.key).toBe("urlHttpsRequired");
    });
    expect(s.hits).toHaveLength(0);
    const row = await lastReport(plan.id);
    expect(row.status).toBe("rejected");
    expect(row.lastError).toMatch(/only https/);
  });

  it("stores the status and a short sanitized excerpt of the answer, never the raw body", async () => {
    const secretPage = `<html>\u0000\u202e${"internal-admin-token=abc123 ".repeat(200)}</html>`;
    const s = await localServer((_req, res) =>
      res.writeHead(400, { "content-type": "text/html" }).end(secretPage),
    );
    const { f, plan } = await plannedFactory(s.url);
    await drainOutboxOf(f.org.orgId, 1);
    expect(s.hits).toHaveLength(1);
    const row = await lastReport(plan.id);
    expect(row).toMatchObject({ status: "rejected", httpStatus: 400 });
    expect(Object.keys(row.response ?? {})).toEqual(["excerpt"]);
    const excerpt = String(row.response!.excerpt);
    expect(excerpt.length).toBeLessThanOrEqual(300);
    expect(excerpt).not.toMatch(/[\u0000-\u001f\u202e]/);
  });
});

describe("finding 3, the same class: marketplace endpoints an account can name", () => {
  it("an account's endpoint settings must be https on the platform's own hosts, and stored ones elsewhere are ignored", async () => {
    const org = await createTestOrg();
    const ctx = svcCtx(org);
    const cases: [Parameters<typeof createAccount>[1]["platform"], Record<string, string>][] = [
      ["amazon", { lwaUrl: "http://169.254.169.254/latest/meta-data/" }],
      ["amazon", { lwaUrl: "https://collector.example.com/token" }],
      ["amazon", { sellerCentralUrl: "https://phish.example.com" }],
      ["amazon", { baseUrl: "https://sellingpartnerapi-na.amazon.com.evil.example/" }],
      ["shopee", { baseUrl: "https://10.0.0.5/" }],
    ];
    for (const [platform, settings] of cases) {
      const e = await createAccount(ctx, { platform, alias: uid("ep-"), settings }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(DomainError);
      expect(Object.values((e as DomainError).fieldErrors ?? {})[0]?.key).toBe("platformUrlNotOfficial");
    }
    const ok = await createAccount(ctx, { platform: "amazon", alias: uid("ep-"), settings: { baseUrl: "https://sellingpartnerapi-eu.amazon.com", lwaUrl: "https://api.amazon.co.uk/auth/o2/token" } });
    expect(ok!.baseUrl).toBe("https://sellingpartnerapi-eu.amazon.com");
    const ref = { id: "a", orgId: org.orgId, platform: "amazon" as const, externalShopId: null, baseUrl: "https://sellingpartnerapi-na.amazon.com", settings: { lwaUrl: "http://127.0.0.1:9/steal", sellerCentralUrl: "https://phish.example.com" } };
    expect(amazonEndpoints(ref)).toMatchObject({ lwaToken: "https://api.amazon.com/auth/o2/token", sellerCentral: "https://sellercentral.amazon.com" });
  });
});
