import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb } from "@/db";
import { loginAttempts, memberships, users } from "@/db/schema";
import { hashPassword } from "@/server/services/auth/passwords";
import { createOrganization } from "@/server/services/orgs/orgs";
import { baseURL, launch, newPage, signIn } from "../e2e/browser";

/**
 * The built app as a browser or a script meets it (`next start`, started by tests/e2e/global-setup.ts):
 * security headers and the page CSP (finding 9), cookies behind https, the client address behind a
 * forged X-Forwarded-For (finding 6) and sessions after sign-out (finding 7).
 */

const dbUrl = inject("e2eDatabaseUrl");
const handle = dbUrl ? createDb(dbUrl, 2) : null;
afterAll(async () => {
  await handle?.sql.end();
});

const PASSWORD = "served-e2e-password";

/** A fresh person with a merchant, straight in the server's database. */
async function person() {
  const db = handle!.db;
  const tag = Math.random().toString(36).slice(2, 10);
  const email = `served-${tag}@test.local`;
  const [u] = await db.insert(users).values({ email, name: "Served", passwordHash: await hashPassword(PASSWORD) }).returning({ id: users.id });
  const org = await createOrganization(db, { name: `Served ${tag}`, slug: `served-${tag}` });
  await db.insert(memberships).values({ orgId: org.id, userId: u!.id, role: "owner" });
  return { email, id: u!.id };
}

const setCookies = (res: Response) => res.headers.getSetCookie();
const cookieHeader = (cookies: string[]) => cookies.map((c) => c.split(";")[0]).join("; ");

/** Sign in through next-auth's own endpoints, as a script would; returns the cookies it set. */
async function httpSignIn(email: string, password: string, headers: Record<string, string> = {}) {
  const csrf = await fetch(`${baseURL()}/api/auth/csrf`, { headers });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const jar = setCookies(csrf);
  const res = await fetch(`${baseURL()}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(jar), ...headers },
    body: new URLSearchParams({ email, password, csrfToken, callbackUrl: "/" }),
  });
  return { res, cookies: [...jar, ...setCookies(res)], csrfToken };
}

const me = (cookies: string[]) => fetch(`${baseURL()}/api/trpc/account.me`, { headers: { cookie: cookieHeader(cookies) } });

describe("finding 9: security headers on the served app", () => {
  it("pages carry a nonce CSP that Next.js put on its scripts, and the common headers", async () => {
    const res = await fetch(`${baseURL()}/sign-in`);
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy") ?? "";
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce, csp).toBeTruthy();
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).not.toContain("upgrade-insecure-requests");
    const html = await res.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) expect(s, s).toContain(`nonce="${nonce}"`);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(res.headers.get("strict-transport-security")).toBeNull();
    // A fresh nonce per request.
    const again = (await fetch(`${baseURL()}/sign-in`)).headers.get("content-security-policy");
    expect(again).not.toBe(csp);
  });

  it("behind https: HSTS, upgrade-insecure-requests and Secure session cookies", async () => {
    const res = await fetch(`${baseURL()}/sign-in`, { headers: { "x-forwarded-proto": "https" } });
    expect(res.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
    expect(res.headers.get("content-security-policy")).toContain("upgrade-insecure-requests");
    const p = await person();
    const { cookies } = await httpSignIn(p.email, PASSWORD, { "x-forwarded-proto": "https" });
    const session = cookies.find((c) => /session-token=/.test(c));
    expect(session, cookies.join("\n")).toMatch(/^__Secure-/);
    expect(session).toMatch(/;\s*Secure/i);
    expect(cookies.find((c) => c.startsWith("mf_device="))).toMatch(/;\s*Secure/i);
    // Over plain http the cookies are not marked Secure (they would never be sent back).
    const plain = await httpSignIn(p.email, PASSWORD);
    expect(plain.cookies.find((c) => /session-token=/.test(c))).not.toMatch(/;\s*Secure/i);
  });

  it("API and file responses: nosniff and no framing; files keep their own sandbox policy", async () => {
    const api = await fetch(`${baseURL()}/api/health`);
    expect(api.headers.get("x-content-type-options")).toBe("nosniff");
    expect(api.headers.get("x-frame-options")).toBe("DENY");
    for (const path of ["/inbound/lines-template?format=csv", "/outbound/tracking-template?format=xlsx"]) {
      const file = await fetch(`${baseURL()}${path}`);
      expect(file.status, path).toBe(200);
      expect(file.headers.get("content-security-policy"), path).toMatch(/^sandbox/);
      expect(file.headers.get("content-disposition"), path).toMatch(/^attachment/);
      expect(file.headers.get("x-content-type-options"), path).toBe("nosniff");
    }
  });

  it("pages hydrate under the policy: no CSP violation, the sign-in form works, 用户中心 renders", async () => {
    const p = await person();
    const browser = await launch();
    try {
      const page = await newPage(browser);
      const violations: string[] = [];
      page.on("console", (m) => {
        if (/Content Security Policy|Refused to (execute|load|apply)/i.test(m.text())) violations.push(m.text());
      });
      await signIn(page, p.email, PASSWORD);
      await page.goto("/account");
      await page.getByTestId("sign-out-everywhere").waitFor();
      // The user menu (Radix) opens only once React hydrated; its link is a client-side navigation.
      await page.goto("/orders");
      await page.getByTestId("user-menu").click();
      await page.locator("[role=menu] a[href='/account']").click();
      await page.waitForURL((u) => u.pathname === "/account");
      expect(violations).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

describe.skipIf(!dbUrl)("finding 6: a forged X-Forwarded-For does not choose the rate-limit bucket", () => {
  it("records the socket's address, not the header's", async () => {
    const p = await person();
    const { res } = await httpSignIn(p.email, "wrong password", { "x-forwarded-for": "6.6.6.6", "x-real-ip": "6.6.6.7" });
    expect(res.status).toBeLessThan(400);
    const rows = await handle!.db.select().from(loginAttempts).where(eq(loginAttempts.email, p.email));
    expect(rows.map((r) => r.ip)).toHaveLength(1);
    expect(rows[0]!.ip).toMatch(/^(::ffff:)?127\.0\.0\.1$|^::1$/);
    expect(rows[0]!.success).toBe(false);
  });
});

describe.skipIf(!dbUrl)("finding 7: a session cookie is dead after sign-out", () => {
  let p: Awaited<ReturnType<typeof person>>;
  beforeAll(async () => {
    p = await person();
  });

  it("a copy of the cookie kept from before sign-out is refused", async () => {
    const { cookies, csrfToken } = await httpSignIn(p.email, PASSWORD);
    expect((await me(cookies)).status).toBe(200);
    const out = await fetch(`${baseURL()}/api/auth/signout`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(cookies) },
      body: new URLSearchParams({ csrfToken, callbackUrl: "/sign-in" }),
    });
    expect(out.status).toBeLessThan(400);
    expect((await me(cookies)).status).toBe(401);
  });

  it("sign out everywhere (用户中心) ends the person's other browsers", async () => {
    const other = await httpSignIn(p.email, PASSWORD);
    expect((await me(other.cookies)).status).toBe(200);
    const browser = await launch();
    try {
      const page = await newPage(browser);
      await signIn(page, p.email, PASSWORD);
      await page.goto("/account");
      await page.getByTestId("sign-out-everywhere").click();
      await page.waitForURL((u) => u.pathname.startsWith("/sign-in"));
      await page.goto("/account");
      await page.waitForURL((u) => u.pathname.startsWith("/sign-in"));
    } finally {
      await browser.close();
    }
    expect((await me(other.cookies)).status).toBe(401);
  });
});
